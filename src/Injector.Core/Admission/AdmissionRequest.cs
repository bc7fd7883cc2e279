using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Injector.Core.Admission;

/// <summary>What the API server asks about one object: only the fields the webhook reads; the rest is skipped.</summary>
public sealed record AdmissionRequest
{
    /// <summary>Identifies this call; the response must carry it back. Null only in malformed input.</summary>
    [JsonPropertyName("uid")]
    public string? Uid { get; init; }

    /// <summary>The kind of <see cref="ObjectElement"/>, after conversion to the version the webhook registered for.</summary>
    [JsonPropertyName("kind")]
    public GroupVersionKind? Kind { get; init; }

    [JsonPropertyName("resource")]
    public GroupVersionResource? Resource { get; init; }

    /// <summary>Set for a subresource call (<c>status</c>, <c>exec</c>, <c>binding</c>...); null for the object itself.</summary>
    [JsonPropertyName("subResource")]
    public string? SubResource { get; init; }

    /// <summary>Null when the name is generated (<c>generateName</c>), as for pods a ReplicaSet creates.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Null for cluster-scoped objects.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    /// <summary><c>CREATE</c>, <c>UPDATE</c>, <c>DELETE</c> or <c>CONNECT</c>.</summary>
    [JsonPropertyName("operation")]
    public string? Operation { get; init; }

    /// <summary>The object as it will be stored; null on DELETE and CONNECT. Decoded by the handler into its model. <c>oldObject</c> is never read.</summary>
    [JsonPropertyName("object")]
    public JsonElement? ObjectElement { get; init; }

    /// <summary>True when <see cref="ObjectElement"/> is a JSON object (not absent, null, or a value of another type).</summary>
    [JsonIgnore]
    public bool HasObject => ObjectElement is { ValueKind: JsonValueKind.Object };

    /// <summary>The UTF-8 JSON of <see cref="ObjectElement"/>, as it was in the body; empty when there is none.</summary>
    [JsonIgnore]
    public ReadOnlySpan<byte> ObjectJson => ObjectElement is { } element ? JsonMarshal.GetRawUtf8Value(element) : [];

    /// <summary>True for <c>--dry-run=server</c>: nothing is persisted. Answered the same way, since the webhook has no side effects.</summary>
    [JsonPropertyName("dryRun")]
    public bool? DryRun { get; init; }
}
