using System.Text.Json.Serialization;

namespace Injector.Core.Admission;

/// <summary>A resource (the plural path segment) with its API group and version.</summary>
public sealed record GroupVersionResource
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("resource")]
    public string? Resource { get; init; }
}
