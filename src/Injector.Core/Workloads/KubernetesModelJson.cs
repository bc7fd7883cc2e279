using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Injector.Core.Workloads;

/// <summary>
/// KubernetesClient's own serializer options — camelCase, no nulls, its converters and its source-generated
/// contracts — which <see cref="KubernetesJson"/> uses but exposes only through <see cref="KubernetesJson.AddJsonOptions"/>.
/// The patch diff walks and writes pods through these contracts so it sees exactly the JSON the API server holds.
/// </summary>
internal static class KubernetesModelJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options => captured = options);
        var options = new JsonSerializerOptions(captured ?? throw new InvalidOperationException("KubernetesJson.AddJsonOptions did not pass its options; has KubernetesClient changed how it configures System.Text.Json?"));

        // Ahead of the type's own [JsonConverter], which options converters take precedence over.
        options.Converters.Insert(0, new CanonicalQuantityConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// Writes a quantity as KubernetesClient does (its canonical string) but works that string out once per
    /// instance: canonicalizing is fraction arithmetic over BigIntegers, and the sidecar's quantities are the same
    /// shared instances in every pod. <see cref="ResourceQuantity"/> has no public setter, so a string stays valid.
    /// </summary>
    private sealed class CanonicalQuantityConverter : JsonConverter<ResourceQuantity>
    {
        private readonly ConditionalWeakTable<ResourceQuantity, string> _canonical = [];

        public override ResourceQuantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => new(reader.GetString());

        public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options)
            => writer.WriteStringValue(_canonical.GetValue(value, static q => q.ToString()));
    }
}
