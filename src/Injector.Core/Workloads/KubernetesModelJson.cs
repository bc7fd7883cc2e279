using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace Injector.Core.Workloads;

/// <summary>
/// KubernetesClient's own serializer options — camelCase, no nulls, its converters and its source-generated
/// contracts — which <see cref="KubernetesJson"/> uses but exposes only through <see cref="KubernetesJson.AddJsonOptions"/>.
/// The patch diff walks pods through <see cref="Options"/> and writes values with <see cref="WriteOptions"/>, so
/// it sees and writes exactly the JSON the API server holds.
/// </summary>
internal static class KubernetesModelJson
{
    private static readonly ConditionalWeakTable<object, byte[]> FrozenJson = [];

    /// <summary>KubernetesClient's contracts, plus a quantity writer that remembers canonical strings.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>
    /// <see cref="Options"/>, plus: objects passed to <see cref="Freeze"/> are written from their cached JSON.
    /// For writing only — those types' contracts become opaque, which a diff must not walk through.
    /// </summary>
    public static JsonSerializerOptions WriteOptions { get; } = CreateWriteOptions();

    /// <summary>
    /// Remembers the JSON of an object that will never change again, so writing it costs a copy (the sidecar's
    /// resources, security context and probes, the same in every pod injected with the same options). The caller
    /// promises not to modify <paramref name="value"/> afterwards. Types: see <see cref="FrozenConverterFactory"/>.
    /// </summary>
    public static T Freeze<T>(T value)
        where T : class
    {
        FrozenJson.AddOrUpdate(value, JsonSerializer.SerializeToUtf8Bytes(value, Options.GetTypeInfo(typeof(T))));
        return value;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options => captured = options);
        var options = new JsonSerializerOptions(captured ?? throw new InvalidOperationException("KubernetesJson.AddJsonOptions did not pass its options; has KubernetesClient changed how it configures System.Text.Json?"));

        // Ahead of the type's own [JsonConverter], which options converters take precedence over.
        options.Converters.Insert(0, new CanonicalQuantityConverter());
        options.MakeReadOnly();
        return options;
    }

    private static JsonSerializerOptions CreateWriteOptions()
    {
        var options = new JsonSerializerOptions(Options);
        options.Converters.Insert(0, new FrozenConverterFactory());
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

        /// <summary>As KubernetesClient reads one: a string, or a number read as a double (1e3 becomes 1k).</summary>
        public override ResourceQuantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => new(reader.TokenType == JsonTokenType.Number ? reader.GetDouble().ToString(CultureInfo.InvariantCulture) : reader.GetString());

        public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options)
            => writer.WriteStringValue(_canonical.GetValue(value, static q => q.ToString()));
    }

    /// <summary>The types the sidecar shares between pods; any other instance of them is written as usual.</summary>
    private sealed class FrozenConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert)
            => typeToConvert == typeof(V1ResourceRequirements) || typeToConvert == typeof(V1SecurityContext)
               || typeToConvert == typeof(V1Probe) || typeToConvert == typeof(V1Lifecycle);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
            => typeToConvert == typeof(V1ResourceRequirements) ? new FrozenConverter<V1ResourceRequirements>()
               : typeToConvert == typeof(V1SecurityContext) ? new FrozenConverter<V1SecurityContext>()
               : typeToConvert == typeof(V1Probe) ? new FrozenConverter<V1Probe>()
               : new FrozenConverter<V1Lifecycle>();
    }

    private sealed class FrozenConverter<T> : JsonConverter<T>
        where T : class
    {
        private readonly JsonTypeInfo<T> _contract = (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => JsonSerializer.Deserialize(ref reader, _contract);

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (FrozenJson.TryGetValue(value, out var json))
            {
                writer.WriteRawValue(json, skipInputValidation: true);
            }
            else
            {
                JsonSerializer.Serialize(writer, value, _contract);
            }
        }
    }
}
