namespace Injector.Cli.Audit;

/// <summary>What <c>tls-injector audit</c> returns, named once (scripts and CI gate on these).</summary>
internal static class AuditExitCodes
{
    /// <summary>No escaped, stale or invalid pod.</summary>
    public const int Clean = 0;

    /// <summary>At least one finding; also after <c>--restart-owners</c>, since the new pods arrive asynchronously.</summary>
    public const int Findings = 1;

    /// <summary>The audit could not be done: kubeconfig, API unreachable, 401/403, a failed restart, a bad option.</summary>
    public const int Error = 2;
}
