using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Injector.Core.Workloads;

/// <summary>
/// KubernetesClient's own serializer options — camelCase, no nulls, its converters and its source-generated
/// contracts — which <see cref="KubernetesJson"/> uses but exposes only through <see cref="KubernetesJson.AddJsonOptions"/>.
/// Read and written with them, a model is the JSON the API server holds.
/// </summary>
internal static class KubernetesModelJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The pod's JSON, as the API server would hold it.</summary>
    public static byte[] ToUtf8(V1Pod pod) => JsonSerializer.SerializeToUtf8Bytes(pod, Options.GetTypeInfo(typeof(V1Pod)));

    /// <summary>The pod as JSON nodes, as the API server would hold it.</summary>
    public static JsonNode ToNode(V1Pod pod) => JsonNode.Parse(ToUtf8(pod))!;

    /// <summary>A pod read from <see cref="ToUtf8"/>: a deep copy, since KubernetesClient models are mutable records and <c>with</c> copies one level only.</summary>
    public static V1Pod FromUtf8(ReadOnlySpan<byte> json) => (V1Pod)JsonSerializer.Deserialize(json, Options.GetTypeInfo(typeof(V1Pod)))!;

    private static JsonSerializerOptions CreateOptions()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options => captured = options);
        var options = new JsonSerializerOptions(captured ?? throw new InvalidOperationException("KubernetesJson.AddJsonOptions did not pass its options; has KubernetesClient changed how it configures System.Text.Json?"));
        options.MakeReadOnly();
        return options;
    }
}
