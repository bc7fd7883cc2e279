using System.Text.Json.Serialization;
using Injector.Core.Admission;

namespace Injector.Webhook.Admission;

/// <summary>
/// The <c>admission.k8s.io</c> AdmissionReview envelope, v1 and v1beta1 (the same shape). KubernetesClient ships no
/// such type (kubernetes-client/csharp#1247), so we own it.
/// </summary>
public sealed record AdmissionReview
{
    /// <summary><c>admission.k8s.io/v1</c> or <c>admission.k8s.io/v1beta1</c>; the answer echoes the request's.</summary>
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; init; }

    /// <summary>Always <c>AdmissionReview</c>.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    /// <summary>Set in what the API server sends; null in answers.</summary>
    [JsonPropertyName("request")]
    public AdmissionRequest? Request { get; init; }

    /// <summary>Set in answers; null in requests.</summary>
    [JsonPropertyName("response")]
    public AdmissionResponse? Response { get; init; }
}
