using System.Text.Json.Serialization;

namespace Injector.Webhook.Admission;

/// <summary>
/// Source-generated (de)serialization of the review envelope: no reflection on the hot path. The object inside
/// is skipped, not parsed (<see cref="AdmissionRequestConverter"/>), and decoded from the body by its handler.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdmissionReview))]
internal sealed partial class AdmissionJsonContext : JsonSerializerContext;
