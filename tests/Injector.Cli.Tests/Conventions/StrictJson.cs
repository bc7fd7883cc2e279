using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Injector.Cli.Tests.Conventions;

/// <summary>Reads command output as a script would, failing on any field the test does not expect.</summary>
internal static class StrictJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("null document");

    /// <summary>
    /// A YAML document as the JSON it stands for, by the YAML 1.2 core schema: plain <c>true</c>, <c>12</c>, <c>null</c>
    /// are a boolean, a number and null; quoted scalars are strings. So a string printed unquoted as <c>true</c> fails.
    /// </summary>
    public static JsonNode? FromYaml(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(Assert.Single(stream.Documents).RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode { Style: ScalarStyle.Plain } s => s.Value switch
        {
            "" or "null" or "~" or null => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            var v when decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
            var v => JsonValue.Create(v),
        },
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new InvalidDataException($"unexpected YAML node {node}"),
    };
}
