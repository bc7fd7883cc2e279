using System.Text.Json.Serialization;
using Injector.Core.Audit;

namespace Injector.Cli.Audit;

/// <summary>What <c>--restart-owners</c> did to one workload: <see cref="Error"/> is null when the PATCH was accepted.</summary>
internal sealed record RestartOutcome(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("owner")] WorkloadRef Owner,
    [property: JsonPropertyName("restartedAt")] string RestartedAt,
    [property: JsonPropertyName("error")] string? Error);
