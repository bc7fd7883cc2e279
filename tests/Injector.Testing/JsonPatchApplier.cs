using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace Injector.Testing;

/// <summary>
/// Applies RFC 6902 patches with Microsoft.AspNetCore.JsonPatch.SystemTextJson, an implementation independent of
/// ours, so a test proves the patch the injector computed rather than re-running our own code.
/// </summary>
public static class JsonPatchApplier
{
    public static JsonNode Apply(JsonNode original, JsonArray patch)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(patch);
        var document = JsonSerializer.Deserialize<JsonPatchDocument>(patch.ToJsonString())
            ?? throw new InvalidOperationException("The patch deserialized to null.");
        var target = original.DeepClone();
        document.ApplyTo(target);
        return target;
    }

    public static JsonNode Apply(JsonNode original, Injector.Core.Patching.JsonPatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return Apply(original, patch.ToJsonArray());
    }
}
