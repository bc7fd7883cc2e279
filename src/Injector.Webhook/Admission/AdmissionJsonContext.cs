using System.Text.Json.Serialization;

namespace Injector.Webhook.Admission;

/// <summary>
/// Source-generated (de)serialization of the review envelope: no reflection on the hot path. The pod inside
/// <see cref="AdmissionRequest.ObjectJson"/> is left as raw JSON and decoded with <c>k8s.KubernetesJson</c>.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdmissionReview))]
internal sealed partial class AdmissionJsonContext : JsonSerializerContext;
