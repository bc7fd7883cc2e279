using System.Text.Json.Serialization;
using Injector.Core.Audit;

namespace Injector.Cli.Audit;

/// <summary>The <c>-o json</c> document: stable field names, for scripts and dashboards.</summary>
internal sealed record AuditReport
{
    [JsonPropertyName("podsChecked")]
    public required int PodsChecked { get; init; }

    [JsonPropertyName("findings")]
    public required IReadOnlyList<AuditFinding> Findings { get; init; }

    /// <summary>Empty unless <c>--restart-owners</c> was given.</summary>
    [JsonPropertyName("restarts")]
    public IReadOnlyList<RestartOutcome> Restarts { get; init; } = [];
}
