using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using YamlDotNet.Serialization;

namespace Injector.Cli;

/// <summary>
/// Writes a command's result as <c>-o json</c> or <c>-o yaml</c>. YAML is the JSON document re-emitted, so both
/// carry the same field names; strings that YAML would read as another type (<c>"true"</c>, <c>"1.29"</c>) are quoted.
/// </summary>
internal static class DataOutput
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly ISerializer Yaml = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    /// <summary>True for the formats <see cref="Write{T}"/> handles.</summary>
    public static bool IsData(string format) => format is OutputFormats.Json or OutputFormats.Yaml;

    public static void Write<T>(TextWriter output, T value, string format)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (format == OutputFormats.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(value, Json));
            return;
        }

        output.Write(Yaml.Serialize(Plain(JsonSerializer.SerializeToNode(value, Json))));
    }

    /// <summary>The JSON tree as dictionaries, lists and scalars of the types YamlDotNet knows how to write.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(kv => kv.Key, kv => Plain(kv.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(Plain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };
}
