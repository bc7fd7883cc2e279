using System.Text.Json;
using k8s;

namespace Injector.Core.Workloads;

/// <summary>
/// KubernetesClient's own serializer options — camelCase, no nulls, its converters and its source-generated
/// contracts — which <see cref="KubernetesJson"/> uses but exposes only through <see cref="KubernetesJson.AddJsonOptions"/>.
/// The patch diff walks pods through these contracts so it sees exactly the JSON the API server holds.
/// </summary>
internal static class KubernetesModelJson
{
    public static JsonSerializerOptions Options { get; } = Capture();

    private static JsonSerializerOptions Capture()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options => captured = options);
        return captured ?? throw new InvalidOperationException("KubernetesJson.AddJsonOptions did not pass its options; has KubernetesClient changed how it configures System.Text.Json?");
    }
}
