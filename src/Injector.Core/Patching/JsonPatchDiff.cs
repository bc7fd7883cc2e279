using System.Text.Json;
using System.Text.Json.Nodes;

namespace Injector.Core.Patching;

/// <summary>
/// Computes an RFC 6902 JSON Patch that turns one JSON document into another. The injector diffs the pod before
/// and after mutation instead of writing operations by hand (as Istio's createPatch does), so the patch cannot
/// drift from the object. Hand-written because no diff ships in a package the mirror has: JsonPatch.Net is
/// missing and Microsoft.AspNetCore.JsonPatch only applies patches (the tests use it to apply ours).
/// It walks <see cref="JsonElement"/>s of pooled <see cref="JsonDocument"/>s and makes nodes only for the values
/// it emits: a pod is mostly unchanged, and materializing two node trees cost more than the rest of injection.
/// </summary>
public static class JsonPatchDiff
{
    /// <summary>The operations, in order, that turn <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static JsonArray Create(JsonElement from, JsonElement to)
    {
        var ops = new JsonArray();
        Diff(from, to, new PointerBuilder(), ops);
        return ops;
    }

    /// <summary>The operations that turn <paramref name="from"/> into <paramref name="to"/> (JSON texts).</summary>
    public static JsonArray Create(string from, string to)
    {
        using var before = JsonDocument.Parse(from);
        using var after = JsonDocument.Parse(to);
        return Create(before.RootElement, after.RootElement);
    }

    /// <summary>Escapes a key for a JSON Pointer (RFC 6901): <c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>.</summary>
    public static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>
    /// Containers recurse without comparing first, and only leaves are compared: a DeepEquals at every level would
    /// walk each subtree once per ancestor.
    /// </summary>
    private static void Diff(JsonElement from, JsonElement to, PointerBuilder path, JsonArray ops)
    {
        if (from.ValueKind == JsonValueKind.Object && to.ValueKind == JsonValueKind.Object)
        {
            DiffObjects(from, to, path, ops);
        }
        else if (from.ValueKind == JsonValueKind.Array && to.ValueKind == JsonValueKind.Array)
        {
            DiffArrays(from, to, path, ops);
        }
        else if (!JsonElement.DeepEquals(from, to))
        {
            ops.Add(Op("replace", path.ToString(), to));
        }
    }

    private static void DiffObjects(JsonElement from, JsonElement to, PointerBuilder path, JsonArray ops)
    {
        foreach (var property in from.EnumerateObject())
        {
            if (!to.TryGetProperty(property.Name, out _))
            {
                ops.Add(Op("remove", path.With(Escape(property.Name))));
            }
        }

        foreach (var property in to.EnumerateObject())
        {
            if (from.TryGetProperty(property.Name, out var old))
            {
                path.Push(Escape(property.Name));
                Diff(old, property.Value, path, ops);
                path.Pop();
            }
            else
            {
                ops.Add(Op("add", path.With(Escape(property.Name)), property.Value));
            }
        }
    }

    /// <summary>
    /// Keeps the common head and tail and patches only the middle, so inserting one element at the front is one
    /// <c>add</c>, not a <c>replace</c> of every element.
    /// </summary>
    private static void DiffArrays(JsonElement fromArray, JsonElement toArray, PointerBuilder path, JsonArray ops)
    {
        var from = ToList(fromArray);
        var to = ToList(toArray);
        if (NamesOf(from) is { } oldNames && NamesOf(to) is { } newNames && TryDiffByName(from, to, oldNames, newNames, path, ops))
        {
            return;
        }

        var head = 0;
        while (head < from.Count && head < to.Count && JsonElement.DeepEquals(from[head], to[head]))
        {
            head++;
        }

        var tail = 0;
        while (tail < from.Count - head && tail < to.Count - head
               && JsonElement.DeepEquals(from[from.Count - 1 - tail], to[to.Count - 1 - tail]))
        {
            tail++;
        }

        var oldMiddle = from.Count - head - tail;
        var newMiddle = to.Count - head - tail;
        var paired = Math.Min(oldMiddle, newMiddle);
        for (var i = 0; i < paired; i++)
        {
            path.Push(head + i);
            Diff(from[head + i], to[head + i], path, ops);
            path.Pop();
        }

        for (var i = paired; i < newMiddle; i++)
        {
            ops.Add(Op("add", path.With(head + i), to[head + i]));
        }

        // Each removal shifts the rest left, so the same index is removed repeatedly.
        for (var i = paired; i < oldMiddle; i++)
        {
            ops.Add(Op("remove", path.With(head + paired)));
        }
    }

    /// <summary>
    /// Lists of named objects (containers, volumes, env) are matched by <c>name</c>, their merge key in the API,
    /// so a container inserted before the app is an <c>add</c> and the app's own changes stay small.
    /// Falls back (returns false) when the surviving elements changed order.
    /// </summary>
    private static bool TryDiffByName(List<JsonElement> from, List<JsonElement> to, List<string> oldNames, List<string> newNames, PointerBuilder path, JsonArray ops)
    {
        var kept = newNames.ToHashSet(StringComparer.Ordinal);
        var existed = oldNames.ToHashSet(StringComparer.Ordinal);
        if (!oldNames.Where(kept.Contains).SequenceEqual(newNames.Where(existed.Contains)))
        {
            return false;
        }

        for (var i = oldNames.Count - 1; i >= 0; i--)
        {
            if (!kept.Contains(oldNames[i]))
            {
                ops.Add(Op("remove", path.With(i)));
            }
        }

        for (var i = 0; i < newNames.Count; i++)
        {
            var oldIndex = oldNames.IndexOf(newNames[i]);
            if (oldIndex >= 0)
            {
                path.Push(i);
                Diff(from[oldIndex], to[i], path, ops);
                path.Pop();
            }
            else
            {
                ops.Add(Op("add", path.With(i), to[i]));
            }
        }

        return true;
    }

    /// <summary>The <c>name</c> of every element, or null unless all are objects with distinct string names.</summary>
    private static List<string>? NamesOf(List<JsonElement> items)
    {
        var names = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("name", out var name)
                || name.ValueKind != JsonValueKind.String
                || name.GetString() is not { } text
                || names.Contains(text))
            {
                return null;
            }

            names.Add(text);
        }

        return names;
    }

    private static List<JsonElement> ToList(JsonElement array)
    {
        var list = new List<JsonElement>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            list.Add(item);
        }

        return list;
    }

    private static JsonObject Op(string op, string path) => new() { ["op"] = op, ["path"] = path };

    /// <summary>
    /// The value wraps a clone of the element (one buffer); its node tree is built only if someone reads into it,
    /// and the webhook only writes the patch out.
    /// </summary>
    private static JsonObject Op(string op, string path, JsonElement value)
    {
        var clone = value.Clone();
        JsonNode? node = clone.ValueKind switch
        {
            JsonValueKind.Object => JsonObject.Create(clone),
            JsonValueKind.Array => JsonArray.Create(clone),
            JsonValueKind.Null => null,
            _ => JsonValue.Create(clone),
        };
        return new JsonObject { ["op"] = op, ["path"] = path, ["value"] = node };
    }
}
