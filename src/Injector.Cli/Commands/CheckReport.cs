using System.Text.Json.Serialization;

namespace Injector.Cli.Commands;

/// <summary>The <c>check -o json|yaml</c> document: every workload checked, with its errors and warnings.</summary>
internal sealed record CheckReport([property: JsonPropertyName("workloads")] IReadOnlyList<CheckedWorkload> Workloads)
{
    [JsonPropertyName("checked")]
    public int Checked => Workloads.Count;

    [JsonPropertyName("errors")]
    public int ErrorCount => Workloads.Sum(w => w.Errors.Count);

    [JsonPropertyName("warnings")]
    public int WarningCount => Workloads.Sum(w => w.Warnings.Count);
}
