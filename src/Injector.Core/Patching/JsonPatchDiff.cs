using System.Text.Json.Nodes;

namespace Injector.Core.Patching;

/// <summary>
/// Computes an RFC 6902 JSON Patch that turns one JSON document into another. The injector diffs the pod before
/// and after mutation instead of writing operations by hand (as Istio's createPatch does), so the patch cannot
/// drift from the object. Hand-written because no diff ships in a package the mirror has: JsonPatch.Net is
/// missing and Microsoft.AspNetCore.JsonPatch only applies patches (the tests use it to apply ours).
/// </summary>
public static class JsonPatchDiff
{
    /// <summary>The operations, in order, that turn <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static JsonArray Create(JsonNode? from, JsonNode? to)
    {
        var ops = new JsonArray();
        Diff(from, to, new PointerBuilder(), ops);
        return ops;
    }

    /// <summary>Escapes a key for a JSON Pointer (RFC 6901): <c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>.</summary>
    public static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>
    /// Containers recurse without comparing first, and only leaves are compared: a DeepEquals at every level would
    /// walk each subtree once per ancestor.
    /// </summary>
    private static void Diff(JsonNode? from, JsonNode? to, PointerBuilder path, JsonArray ops)
    {
        switch (from, to)
        {
            case (JsonObject a, JsonObject b):
                DiffObjects(a, b, path, ops);
                break;
            case (JsonArray a, JsonArray b):
                DiffArrays(a, b, path, ops);
                break;
            default:
                if (!JsonNode.DeepEquals(from, to))
                {
                    ops.Add(Op("replace", path.ToString(), to));
                }

                break;
        }
    }

    private static void DiffObjects(JsonObject from, JsonObject to, PointerBuilder path, JsonArray ops)
    {
        foreach (var (key, _) in from)
        {
            if (!to.ContainsKey(key))
            {
                ops.Add(Op("remove", path.With(Escape(key))));
            }
        }

        foreach (var (key, value) in to)
        {
            if (from.TryGetPropertyValue(key, out var old))
            {
                path.Push(Escape(key));
                Diff(old, value, path, ops);
                path.Pop();
            }
            else
            {
                ops.Add(Op("add", path.With(Escape(key)), value));
            }
        }
    }

    /// <summary>
    /// Keeps the common head and tail and patches only the middle, so inserting one container at the front of
    /// <c>initContainers</c> is one <c>add</c>, not a <c>replace</c> of every element.
    /// </summary>
    private static void DiffArrays(JsonArray from, JsonArray to, PointerBuilder path, JsonArray ops)
    {
        if (NamesOf(from) is { } oldNames && NamesOf(to) is { } newNames && TryDiffByName(from, to, oldNames, newNames, path, ops))
        {
            return;
        }

        var head = 0;
        while (head < from.Count && head < to.Count && JsonNode.DeepEquals(from[head], to[head]))
        {
            head++;
        }

        var tail = 0;
        while (tail < from.Count - head && tail < to.Count - head
               && JsonNode.DeepEquals(from[from.Count - 1 - tail], to[to.Count - 1 - tail]))
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
    private static bool TryDiffByName(JsonArray from, JsonArray to, List<string> oldNames, List<string> newNames, PointerBuilder path, JsonArray ops)
    {
        var kept = newNames.ToHashSet(StringComparer.Ordinal);
        var common = oldNames.Where(kept.Contains).ToList();
        var existed = oldNames.ToHashSet(StringComparer.Ordinal);
        if (!common.SequenceEqual(newNames.Where(existed.Contains)))
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

        var oldByName = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        for (var i = 0; i < oldNames.Count; i++)
        {
            oldByName[oldNames[i]] = from[i];
        }

        for (var i = 0; i < newNames.Count; i++)
        {
            if (oldByName.TryGetValue(newNames[i], out var old))
            {
                path.Push(i);
                Diff(old, to[i], path, ops);
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
    private static List<string>? NamesOf(JsonArray array)
    {
        var names = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is not JsonObject obj || obj["name"] is not JsonValue value || !value.TryGetValue<string>(out var name))
            {
                return null;
            }

            names.Add(name);
        }

        return names.Distinct(StringComparer.Ordinal).Count() == names.Count ? names : null;
    }

    private static JsonObject Op(string op, string path, JsonNode? value = null)
    {
        var node = new JsonObject { ["op"] = op, ["path"] = path };
        if (op != "remove")
        {
            node["value"] = value?.DeepClone();
        }

        return node;
    }
}
