using System.Text.Json.Serialization;

namespace Injector.Cli.Commands;

/// <summary>One Pod or pod template and what the validating webhook would say about it.</summary>
internal sealed record CheckedWorkload(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings);
