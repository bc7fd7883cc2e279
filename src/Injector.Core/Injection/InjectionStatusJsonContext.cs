using System.Text.Json.Serialization;

namespace Injector.Core.Injection;

/// <summary>
/// Source-generated contract of <see cref="InjectionStatus"/>: the webhook reads and writes the annotation on every
/// admission, and its NativeAOT build has no reflection-based serializer to fall back on.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InjectionStatus))]
internal sealed partial class InjectionStatusJsonContext : JsonSerializerContext;
