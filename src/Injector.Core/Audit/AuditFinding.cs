using System.Text.Json.Serialization;

namespace Injector.Core.Audit;

/// <summary>
/// One pod that needs attention: what is wrong (<see cref="Reason"/>, one line fit for a table), who owns it and
/// what fixes it. <see cref="Owner"/> is null for a bare pod; it starts as the pod's own controller reference
/// (e.g. a ReplicaSet) and the caller may replace it with the top-level workload it found through the API.
/// </summary>
public sealed record AuditFinding
{
    [JsonPropertyName("namespace")]
    public required string Namespace { get; init; }

    [JsonPropertyName("pod")]
    public required string Pod { get; init; }

    [JsonPropertyName("problem")]
    public required AuditProblem Problem { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    [JsonPropertyName("owner")]
    public WorkloadRef? Owner { get; init; }

    /// <summary>
    /// Why the pod's settings do not resolve today, each naming the annotation and the fix. Non-empty for
    /// <see cref="AuditProblem.Invalid"/>, and for an escaped pod whose settings the webhook would reject.
    /// </summary>
    [JsonPropertyName("settingsErrors")]
    public IReadOnlyList<string> SettingsErrors { get; init; } = [];

    /// <summary>
    /// For <see cref="AuditProblem.Stale"/>: each setting the running sidecar has that differs from today's, as
    /// <c>min-tls-version: 1.2 -> 1.3</c>. Empty when the sidecar's configuration cannot be read back.
    /// </summary>
    [JsonPropertyName("changes")]
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>The <c>settingsHash</c> in the pod's <c>tls-injector.io/status</c>; null for an escaped pod.</summary>
    [JsonPropertyName("injectedHash")]
    public string? InjectedHash { get; init; }

    /// <summary>The hash of the settings the pod would get today; null when they do not resolve.</summary>
    [JsonPropertyName("currentHash")]
    public string? CurrentHash { get; init; }

    /// <summary>
    /// True when a rollout restart of <see cref="Owner"/> fixes the pod. Never when the settings do not resolve:
    /// the webhook would reject every new pod and the rollout would stall with the old pods still running.
    /// </summary>
    [JsonPropertyName("restartable")]
    public bool Restartable => SettingsErrors.Count == 0 && Owner is { CanRolloutRestart: true };

    /// <summary>What to run or do, e.g. <c>kubectl rollout restart deployment/web -n shop</c>.</summary>
    [JsonPropertyName("fix")]
    public string Fix => AuditFixes.Describe(this);
}
