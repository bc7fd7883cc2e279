using System.Text.Json.Serialization;

namespace Injector.Webhook.Admission;

/// <summary>The webhook's answer about one object.</summary>
public sealed record AdmissionResponse
{
    /// <summary>The request's uid, echoed; empty when the request had none (malformed input).</summary>
    [JsonPropertyName("uid")]
    public required string Uid { get; init; }

    [JsonPropertyName("allowed")]
    public required bool Allowed { get; init; }

    /// <summary>Why the object was refused; null when allowed.</summary>
    [JsonPropertyName("status")]
    public AdmissionStatus? Status { get; init; }

    /// <summary>
    /// The RFC 6902 patch as UTF-8 JSON (base64 on the wire); null when nothing changes. Memory, not an array, so
    /// Core's patch is written as it is, without a copy.
    /// </summary>
    [JsonPropertyName("patch")]
    public ReadOnlyMemory<byte>? Patch { get; init; }

    /// <summary><c>JSONPatch</c> when <see cref="Patch"/> is set, else null.</summary>
    [JsonPropertyName("patchType")]
    public string? PatchType { get; init; }

    /// <summary>Shown by kubectl as <c>Warning: ...</c>; null when there are none.</summary>
    [JsonPropertyName("warnings")]
    public IReadOnlyList<string>? Warnings { get; init; }
}
