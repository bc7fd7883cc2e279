namespace Injector.Core.Audit;

/// <summary>What is wrong with a running pod, as <c>tls-injector audit</c> reports it.</summary>
public enum AuditProblem
{
    /// <summary>The contract says the pod should carry <c>tls-proxy</c>, but it does not (admitted while the webhook was down, or created before opt-in).</summary>
    Escaped,

    /// <summary>The sidecar runs with settings whose hash differs from what the pod's annotations and namespace defaults give today.</summary>
    Stale,

    /// <summary>The sidecar runs, but the pod's annotations and namespace defaults no longer resolve to valid settings.</summary>
    Invalid,
}
