using System.Text.Json.Nodes;

namespace Injector.Core.Patching;

/// <summary>One RFC 6902 operation: <c>add</c>, <c>remove</c> or <c>replace</c> at <paramref name="Path"/>; <paramref name="Value"/> is unused by <c>remove</c>.</summary>
internal readonly record struct JsonPatchOperation(string Op, string Path, JsonNode? Value);
