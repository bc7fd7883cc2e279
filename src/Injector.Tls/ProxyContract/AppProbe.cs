using System.Text.Json.Serialization;

namespace Injector.Tls.ProxyContract;

/// <summary>
/// An app probe the injector moved onto the proxy's health port. The kubelet calls
/// <c>GET /app-health/CONTAINER/KIND</c> on the proxy, which runs the original probe against the app on loopback
/// (as Istio's pilot-agent does with <c>ISTIO_KUBE_APP_PROBERS</c>).
/// </summary>
public sealed record AppProbe
{
    /// <summary>The app port on <c>127.0.0.1</c> the original probe aimed at.</summary>
    [JsonPropertyName("port")]
    public required int Port { get; init; }

    /// <summary>The original <c>httpGet</c> path; null for a <c>tcpSocket</c> probe (a TCP connect is enough).</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary><c>HTTP</c> or <c>HTTPS</c> for an <c>httpGet</c> probe; null for <c>tcpSocket</c>.</summary>
    [JsonPropertyName("scheme")]
    public string? Scheme { get; init; }

    /// <summary>Extra headers of the original <c>httpGet</c> probe, in order.</summary>
    [JsonPropertyName("headers")]
    public IReadOnlyList<AppProbeHeader>? Headers { get; init; }

    /// <summary>The probe's timeout in seconds (kubelet's <c>timeoutSeconds</c>, default 1).</summary>
    [JsonPropertyName("timeoutSeconds")]
    public int TimeoutSeconds { get; init; } = 1;

    [JsonIgnore]
    public bool IsTcp => Path is null;
}

/// <summary>One header of an <c>httpGet</c> probe.</summary>
public sealed record AppProbeHeader(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value);

/// <summary>Source-generated serializer, so the NativeAOT proxy reads probes without reflection.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Dictionary<string, AppProbe>))]
[JsonSerializable(typeof(SortedDictionary<string, AppProbe>))]
public sealed partial class AppProbeJsonContext : JsonSerializerContext;
