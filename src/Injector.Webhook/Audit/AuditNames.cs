using Injector.Core.Audit;

namespace Injector.Webhook.Audit;

/// <summary>The wire strings of the audit loop: Event reasons, the reporting component and the gauge's labels.</summary>
internal static class AuditNames
{
    /// <summary>Event reason for a pod the contract says should carry <c>tls-proxy</c> and does not.</summary>
    public const string ReasonMissing = "TlsSidecarMissing";

    /// <summary>Event reason for a pod whose sidecar runs settings its annotations no longer give (or that no longer resolve).</summary>
    public const string ReasonStale = "TlsSidecarStale";

    public const string EventTypeWarning = "Warning";

    /// <summary><c>source.component</c> and <c>reportingComponent</c> of the Events.</summary>
    public const string Component = "tls-injector";

    /// <summary>The <c>reason</c> label of <c>tls_injector_webhook_audit_escaped_pods</c> for each problem: <c>missing</c>, <c>stale</c>, <c>invalid</c>.</summary>
    public static string GaugeLabel(AuditProblem problem) => problem switch
    {
        AuditProblem.Escaped => "missing",
        AuditProblem.Stale => "stale",
        _ => "invalid",
    };

    /// <summary>An invalid sidecar is a stale one whose new settings are also wrong: both mean "recreate after fixing".</summary>
    public static string EventReason(AuditProblem problem) => problem == AuditProblem.Escaped ? ReasonMissing : ReasonStale;
}
