using System.Text.Json.Serialization;

namespace Injector.Webhook.Admission;

/// <summary>The <c>metav1.Status</c> of a refusal: kubectl prints <see cref="Message"/>.</summary>
public sealed record AdmissionStatus
{
    [JsonPropertyName("status")]
    public string Status { get; init; } = "Failure";

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>A CamelCase machine reason, e.g. <c>Forbidden</c> or <c>BadRequest</c>.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>HTTP-like code shown to the client: 403 for a policy refusal, 400 for an undecodable review, 500 for our fault.</summary>
    [JsonPropertyName("code")]
    public int Code { get; init; } = 403;
}
