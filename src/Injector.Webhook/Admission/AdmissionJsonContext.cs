using System.Text.Json.Serialization;

namespace Injector.Webhook.Admission;

/// <summary>
/// Source-generated (de)serialization of the review envelope. The object inside is kept as a JsonElement and
/// decoded into its model by its handler.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdmissionReview))]
internal sealed partial class AdmissionJsonContext : JsonSerializerContext;
