using System.Text.Json;
using System.Text.Json.Serialization;

namespace Injector.Webhook.Admission;

/// <summary>
/// Reads <c>request</c> straight off the reader: the fields the webhook uses, with everything else (<c>userInfo</c>,
/// <c>oldObject</c>, <c>options</c>...) skipped, and <c>object</c> recorded as its range in the body, so the pod is
/// decoded once, straight from the body, into its model (a <c>JsonElement</c> would parse and copy it first: 4 µs
/// and 4.6 KB per 1.8 KB pod). Hand-written because the generated metadata reader spent a fifth of an
/// admission's CPU on this envelope when the answer itself was remembered (docs/benchmarks/webhook.md); the
/// behaviour is System.Text.Json's: case-sensitive names, the last of duplicate names wins, a value of the wrong
/// type is a <see cref="JsonException"/>. Requests are only read; answers carry none.
/// </summary>
internal sealed class AdmissionRequestConverter : JsonConverter<AdmissionRequest>
{
    public override AdmissionRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject, "request");
        string? uid = null, subResource = null, name = null, namespaceName = null, operation = null;
        GroupVersionKind? kind = null;
        GroupVersionResource? resource = null;
        Range? objectRange = null;
        bool? dryRun = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("uid"u8))
            {
                uid = ReadString(ref reader, "request.uid");
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                kind = ReadKind(ref reader);
            }
            else if (reader.ValueTextEquals("resource"u8))
            {
                resource = ReadResource(ref reader);
            }
            else if (reader.ValueTextEquals("subResource"u8))
            {
                subResource = ReadString(ref reader, "request.subResource");
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                name = ReadString(ref reader, "request.name");
            }
            else if (reader.ValueTextEquals("namespace"u8))
            {
                namespaceName = ReadString(ref reader, "request.namespace");
            }
            else if (reader.ValueTextEquals("operation"u8))
            {
                operation = ReadString(ref reader, "request.operation");
            }
            else if (reader.ValueTextEquals("dryRun"u8))
            {
                dryRun = ReadBoolean(ref reader, "request.dryRun");
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                objectRange = reader.TokenType == JsonTokenType.Null ? null : ReadRange(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return new AdmissionRequest
        {
            Uid = uid,
            Kind = kind,
            Resource = resource,
            SubResource = subResource,
            Name = name,
            Namespace = namespaceName,
            Operation = operation,
            ObjectRange = objectRange,
            DryRun = dryRun,
        };
    }

    public override void Write(Utf8JsonWriter writer, AdmissionRequest value, JsonSerializerOptions options)
        => throw new NotSupportedException("An AdmissionRequest is read, never written: answers carry no request.");

    private static GroupVersionKind? ReadKind(ref Utf8JsonReader reader)
        => ReadGroupVersionAnd(ref reader, "kind"u8, "request.kind", "kind") is var (group, version, kind)
            ? new GroupVersionKind { Group = group, Version = version, Kind = kind }
            : null;

    private static GroupVersionResource? ReadResource(ref Utf8JsonReader reader)
        => ReadGroupVersionAnd(ref reader, "resource"u8, "request.resource", "resource") is var (group, version, resource)
            ? new GroupVersionResource { Group = group, Version = version, Resource = resource }
            : null;

    /// <summary><c>{"group":…,"version":…,"<paramref name="third"/>":…}</c>; null for JSON null.</summary>
    private static (string? Group, string? Version, string? Third)? ReadGroupVersionAnd(ref Utf8JsonReader reader, ReadOnlySpan<byte> third, string path, string thirdName)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject, path);
        string? group = null, version = null, value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("group"u8))
            {
                group = ReadString(ref reader, path, "group");
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                version = ReadString(ref reader, path, "version");
            }
            else if (reader.ValueTextEquals(third))
            {
                value = ReadString(ref reader, path, thirdName);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return (group, version, value);
    }

    /// <summary>
    /// Where the value the reader is on sits in the input, first byte to last; the reader then skips it. Offsets
    /// count from the start of the input, which is the request body because <see cref="AdmissionReader"/>
    /// deserializes the body from one contiguous buffer.
    /// </summary>
    private static Range ReadRange(ref Utf8JsonReader reader)
    {
        var start = checked((int)reader.TokenStartIndex);
        reader.Skip();
        return new Range(start, checked((int)reader.BytesConsumed));
    }

    /// <summary>Skips the value of the property the reader is on.</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>The string value of the property the reader is on; <paramref name="path"/> and <paramref name="member"/> name it in the error.</summary>
    private static string? ReadString(ref Utf8JsonReader reader, string path, string? member = null)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"{path}{(member is null ? "" : "." + member)} must be a string, not {reader.TokenType}."),
        };
    }

    private static bool? ReadBoolean(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.Null => null,
            _ => throw new JsonException($"{path} must be true or false, not {reader.TokenType}."),
        };
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"{path} must be a JSON object, not {reader.TokenType}.");
        }
    }
}
