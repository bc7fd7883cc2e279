using System.Text.Json.Serialization;

namespace Injector.Core.Admission;

/// <summary>A kind with its API group (empty for the core group) and version.</summary>
public sealed record GroupVersionKind
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("kind")]
    public string? Kind { get; init; }
}
