using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Injector.Core.Patching;

/// <summary>
/// An RFC 6902 JSON Patch, kept as the UTF-8 JSON array the webhook sends (base64) to the API server.
/// </summary>
public sealed class JsonPatch
{
    private static readonly byte[] EmptyArray = "[]"u8.ToArray();

    internal JsonPatch(ReadOnlyMemory<byte> utf8, int count)
    {
        Utf8 = utf8;
        Count = count;
    }

    /// <summary>The patch of these operations, written as the JSON array the API server reads.</summary>
    internal static JsonPatch From(IReadOnlyList<JsonPatchOperation> operations)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var operation in operations)
            {
                writer.WriteStartObject();
                writer.WriteString("op", operation.Op);
                writer.WriteString("path", operation.Path);
                if (operation.Op != "remove")
                {
                    writer.WritePropertyName("value");
                    if (operation.Value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        operation.Value.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return new JsonPatch(buffer.WrittenMemory, operations.Count);
    }

    /// <summary>The patch that changes nothing (<c>[]</c>).</summary>
    public static JsonPatch Empty { get; } = new(EmptyArray, 0);

    /// <summary>The JSON array of operations, UTF-8 encoded.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>How many operations the patch holds.</summary>
    public int Count { get; }

    /// <summary>The operations as nodes, parsed from <see cref="Utf8"/> on every call.</summary>
    public JsonArray ToJsonArray() => JsonNode.Parse(Utf8.Span)!.AsArray();

    public override string ToString() => Encoding.UTF8.GetString(Utf8.Span);
}
