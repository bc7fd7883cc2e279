namespace Injector.Webhook.Configuration;

/// <summary>
/// The in-cluster escaped-pod audit (<c>Webhook:Audit:*</c>): one replica, elected with a Lease, lists pods and
/// namespaces every <see cref="Interval"/> and reports, as Kubernetes Events and a gauge, pods that should carry
/// <c>tls-proxy</c> and do not, or whose sidecar settings went stale. It never deletes or restarts anything.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>Turn the loop on. Default false. Needs <c>POD_NAMESPACE</c> (for the Lease) and RBAC on pods, events and leases.</summary>
    public bool Enabled { get; set; }

    /// <summary>Time between two audits, and the least time between two Events for the same pod and reason. Default 5 min.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The Lease (in <see cref="Namespace"/>) that elects the one replica running the audit. Default <c>tls-injector-audit</c>.</summary>
    public string LeaseName { get; set; } = "tls-injector-audit";

    /// <summary>How long a leader's Lease holds without renewal before another replica may take it. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives the lead up. Default 10 s; under <see cref="LeaseDuration"/>.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait between two attempts to acquire or renew the Lease. Default 2 s; under <see cref="RenewDeadline"/>.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The namespace of the Lease; bound from the <c>POD_NAMESPACE</c> environment variable.</summary>
    public string? Namespace { get; set; }

    /// <summary>This replica's name in the Lease; default <c>POD_NAME</c> (else the host name) plus a random suffix, unique per process.</summary>
    public string? Identity { get; set; }
}
