using System.Text.Json.Nodes;

namespace Injector.Core.Patching;

/// <summary>
/// Computes the RFC 6902 JSON Patch that turns one JSON document into another. The injector diffs the pod before
/// and after mutation instead of writing operations by hand (as Istio's createPatch does), so the patch cannot
/// drift from the object. Hand-written because no diff ships in a package the mirror has: JsonPatch.Net is missing
/// and Microsoft.AspNetCore.JsonPatch only applies patches (the tests use it to apply ours).
/// </summary>
public static class JsonPatchDiff
{
    /// <summary>The operations, in order, that turn <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static JsonPatch Create(JsonNode? from, JsonNode? to)
    {
        var operations = new List<JsonPatchOperation>();
        Diff(from, to, string.Empty, operations);
        return JsonPatch.From(operations);
    }

    private static void Diff(JsonNode? from, JsonNode? to, string path, List<JsonPatchOperation> operations)
    {
        switch (from, to)
        {
            case (JsonObject before, JsonObject after):
                DiffObjects(before, after, path, operations);
                break;
            case (JsonArray before, JsonArray after):
                DiffArrays(before, after, path, operations);
                break;
            default:
                if (!JsonNode.DeepEquals(from, to))
                {
                    operations.Add(Operation("replace", path, to));
                }

                break;
        }
    }

    private static void DiffObjects(JsonObject from, JsonObject to, string path, List<JsonPatchOperation> operations)
    {
        foreach (var (key, _) in from)
        {
            if (!to.ContainsKey(key))
            {
                operations.Add(Operation("remove", Child(path, key)));
            }
        }

        foreach (var (key, after) in to)
        {
            if (from.TryGetPropertyValue(key, out var before))
            {
                Diff(before, after, Child(path, key), operations);
            }
            else
            {
                operations.Add(Operation("add", Child(path, key), after));
            }
        }
    }

    /// <summary>
    /// Lists of named objects (containers, volumes, env) are matched by <c>name</c>, their merge key in the API, so a
    /// container inserted before the app is one <c>add</c> and the app's own changes stay small. Other lists keep
    /// their common head and tail and patch only the middle.
    /// </summary>
    private static void DiffArrays(JsonArray from, JsonArray to, string path, List<JsonPatchOperation> operations)
    {
        if (Names(from) is { } oldNames && Names(to) is { } newNames && SurvivorsKeepOrder(oldNames, newNames))
        {
            // Removals from the back, so earlier indexes stay put; then the survivors sit in order and the
            // additions go in between them.
            for (var i = oldNames.Count - 1; i >= 0; i--)
            {
                if (!newNames.Contains(oldNames[i]))
                {
                    operations.Add(Operation("remove", Child(path, i)));
                }
            }

            for (var i = 0; i < newNames.Count; i++)
            {
                var old = oldNames.IndexOf(newNames[i]);
                if (old < 0)
                {
                    operations.Add(Operation("add", Child(path, i), to[i]));
                }
                else
                {
                    Diff(from[old], to[i], Child(path, i), operations);
                }
            }

            return;
        }

        var head = 0;
        while (head < from.Count && head < to.Count && JsonNode.DeepEquals(from[head], to[head]))
        {
            head++;
        }

        var tail = 0;
        while (tail < from.Count - head && tail < to.Count - head && JsonNode.DeepEquals(from[from.Count - 1 - tail], to[to.Count - 1 - tail]))
        {
            tail++;
        }

        var oldMiddle = from.Count - head - tail;
        var newMiddle = to.Count - head - tail;
        var paired = Math.Min(oldMiddle, newMiddle);
        for (var i = 0; i < paired; i++)
        {
            Diff(from[head + i], to[head + i], Child(path, head + i), operations);
        }

        for (var i = paired; i < newMiddle; i++)
        {
            operations.Add(Operation("add", Child(path, head + i), to[head + i]));
        }

        // Each removal shifts the rest left, so the same index is removed repeatedly.
        for (var i = paired; i < oldMiddle; i++)
        {
            operations.Add(Operation("remove", Child(path, head + paired)));
        }
    }

    /// <summary>The <c>name</c> of every element, or null unless all are objects with distinct string names.</summary>
    private static List<string>? Names(JsonArray items)
    {
        var names = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (item is not JsonObject obj || obj["name"] is not JsonValue value || !value.TryGetValue<string>(out var name) || names.Contains(name))
            {
                return null;
            }

            names.Add(name);
        }

        return names;
    }

    private static bool SurvivorsKeepOrder(List<string> oldNames, List<string> newNames)
    {
        var kept = newNames.Where(oldNames.Contains).ToList();
        return kept.SequenceEqual(oldNames.Where(newNames.Contains));
    }

    private static JsonPatchOperation Operation(string op, string path, JsonNode? value = null) => new(op, path, value);

    /// <summary>A JSON Pointer segment (RFC 6901): <c>~</c> and <c>/</c> are escaped.</summary>
    private static string Child(string path, string key) => path + "/" + key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Child(string path, int index) => path + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
