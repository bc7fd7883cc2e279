using System.Text.Json.Serialization;

namespace Injector.Webhook.Admission;

/// <summary>
/// What the API server asks about one object (only the fields the webhook reads), read by
/// <see cref="AdmissionRequestConverter"/>; the JSON names are the properties' names in camelCase.
/// </summary>
[JsonConverter(typeof(AdmissionRequestConverter))]
public sealed record AdmissionRequest
{
    /// <summary>Identifies this call; the response must carry it back. Null only in malformed input.</summary>
    public string? Uid { get; init; }

    /// <summary>The kind of <see cref="ObjectJson"/>, after conversion to the version the webhook registered for.</summary>
    public GroupVersionKind? Kind { get; init; }

    public GroupVersionResource? Resource { get; init; }

    /// <summary>Set for a subresource call (<c>status</c>, <c>exec</c>, <c>binding</c>...); null for the object itself.</summary>
    public string? SubResource { get; init; }

    /// <summary>Null when the name is generated (<c>generateName</c>), as for pods a ReplicaSet creates.</summary>
    public string? Name { get; init; }

    /// <summary>Null for cluster-scoped objects.</summary>
    public string? Namespace { get; init; }

    /// <summary><c>CREATE</c>, <c>UPDATE</c>, <c>DELETE</c> or <c>CONNECT</c>.</summary>
    public string? Operation { get; init; }

    /// <summary>
    /// The object as it will be stored, as the UTF-8 JSON in the request body (decoded by the handler into its
    /// model); empty on DELETE and CONNECT. Set by <see cref="AdmissionReader"/> from <see cref="ObjectRange"/>.
    /// </summary>
    public ReadOnlyMemory<byte> ObjectJson { get; init; }

    /// <summary>True when <see cref="ObjectJson"/> is a JSON object (not absent, null, or a value of another type).</summary>
    public bool HasObject => ObjectJson.Span is [(byte)'{', ..];

    /// <summary>Where <c>object</c> sits in the request body; null when absent or JSON null. <c>oldObject</c> is never read.</summary>
    internal Range? ObjectRange { get; init; }

    /// <summary>True for <c>--dry-run=server</c>: nothing is persisted. Answered the same way, since the webhook has no side effects.</summary>
    public bool? DryRun { get; init; }
}
