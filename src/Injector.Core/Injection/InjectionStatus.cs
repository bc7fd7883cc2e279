using System.Text.Json;
using System.Text.Json.Serialization;
using Injector.Core.Settings;

namespace Injector.Core.Injection;

/// <summary>
/// The value of <c>tls-injector.io/status</c>: what was injected and a hash of the settings it was injected with.
/// It makes injection idempotent and lets <c>audit</c> find sidecars whose settings went stale.
/// </summary>
public sealed record InjectionStatus
{
    public const string CurrentVersion = "v1";

    [JsonPropertyName("version")]
    public string Version { get; init; } = CurrentVersion;

    /// <summary><c>native</c> or <c>classic</c>.</summary>
    [JsonPropertyName("sidecar")]
    public required string Sidecar { get; init; }

    [JsonPropertyName("volumes")]
    public required IReadOnlyList<string> Volumes { get; init; }

    /// <summary>The protected ports, with the names they had before injection (needed to re-check an injected pod).</summary>
    [JsonPropertyName("ports")]
    public required IReadOnlyList<PortMapping> Ports { get; init; }

    [JsonPropertyName("settingsHash")]
    public required string SettingsHash { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, InjectionStatusJsonContext.Default.InjectionStatus);

    /// <summary>Parses the annotation; null when it is absent or not ours.</summary>
    public static InjectionStatus? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, InjectionStatusJsonContext.Default.InjectionStatus);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
