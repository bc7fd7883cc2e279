using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Injector.Core.Patching;

/// <summary>
/// Computes the RFC 6902 JSON Patch that turns one object into another. The injector diffs the pod before and
/// after mutation instead of writing operations by hand (as Istio's createPatch does), so the patch cannot drift
/// from the object. Both objects are walked through their System.Text.Json contracts — the property names,
/// null-skipping and converters that serializing them would use — so the diff is of the JSON the API server holds.
/// Subtrees the two objects share by reference are skipped unread: the injector mutates a copy that shares all it
/// does not write, so a diff costs what changed, not what the pod holds.
/// Hand-written because no diff ships in a package the mirror has: JsonPatch.Net is missing and
/// Microsoft.AspNetCore.JsonPatch only applies patches (the tests use it to apply ours).
/// </summary>
public static class JsonPatchDiff
{
    /// <summary>The operations, in order, that turn <paramref name="from"/> into <paramref name="to"/>.</summary>
    /// <param name="from">The original, which the patch applies to.</param>
    /// <param name="to">The object the patched original must equal.</param>
    /// <param name="options">The serializer options the objects are read and written with (their JSON contract).</param>
    /// <param name="valueOptions">
    /// Options to write the patch's values with, when they must differ from <paramref name="options"/> (the same
    /// JSON, written faster); null to use <paramref name="options"/>.
    /// </param>
    public static JsonPatch Create<T>(T from, T to, JsonSerializerOptions options, JsonSerializerOptions? valueOptions = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(options);
        var writer = PatchWriter.Rent(valueOptions);
        Diff(from, to, options.GetTypeInfo(typeof(T)), writer);
        return writer.Finish();
    }

    /// <summary>Containers recurse without comparing first, and only leaves are compared.</summary>
    private static void Diff(object from, object to, JsonTypeInfo contract, PatchWriter writer)
    {
        if (ReferenceEquals(from, to))
        {
            return;
        }

        switch (contract.Kind)
        {
            case JsonTypeInfoKind.Object when from.GetType() == to.GetType():
                DiffObjects(from, to, contract, writer);
                break;
            case JsonTypeInfoKind.Enumerable when from is IList fromList && to is IList toList && Shape.Of(contract).Elements is { } elements:
                DiffLists(fromList, toList, elements, writer);
                break;
            case JsonTypeInfoKind.Dictionary when from is IDictionary fromMap && to is IDictionary toMap && Shape.Of(contract).Elements is { } values:
                DiffDictionaries(fromMap, toMap, values, writer);
                break;
            default:
                if (!Equals(from, to) && !SameJson(from, to, contract))
                {
                    writer.Replace(to, contract);
                }

                break;
        }
    }

    /// <summary>Null members are absent from the JSON (the Kubernetes contract writes no nulls): add or remove them.</summary>
    private static void DiffObjects(object from, object to, JsonTypeInfo contract, PatchWriter writer)
    {
        foreach (var member in Shape.Of(contract).Members)
        {
            var (before, after) = (member.Get(from), member.Get(to));
            if (Unchanged(before, after))
            {
                continue;
            }

            writer.Path.Push(member.Name);
            Member(before, after, member.Contract, writer);
            writer.Path.Pop();
        }
    }

    private static void DiffDictionaries(IDictionary from, IDictionary to, JsonTypeInfo values, PatchWriter writer)
    {
        foreach (DictionaryEntry entry in from)
        {
            if (!to.Contains(entry.Key))
            {
                writer.Path.Push((string)entry.Key);
                writer.Remove();
                writer.Path.Pop();
            }
        }

        foreach (DictionaryEntry entry in to)
        {
            var before = from.Contains(entry.Key) ? from[entry.Key] : null;
            if (Unchanged(before, entry.Value))
            {
                continue;
            }

            writer.Path.Push((string)entry.Key);
            Member(before, entry.Value, values, writer);
            writer.Path.Pop();
        }
    }

    private static void Member(object? before, object? after, JsonTypeInfo contract, PatchWriter writer)
    {
        if (before is null)
        {
            writer.Add(after, contract);
        }
        else if (after is null)
        {
            writer.Remove();
        }
        else
        {
            Diff(before, after, contract, writer);
        }
    }

    /// <summary>
    /// Keeps the common head and tail and patches only the middle, so inserting one element at the front is one
    /// <c>add</c>, not a <c>replace</c> of every element.
    /// </summary>
    private static void DiffLists(IList from, IList to, JsonTypeInfo elements, PatchWriter writer)
    {
        if (TryDiffByName(from, to, elements, writer))
        {
            return;
        }

        var head = 0;
        while (head < from.Count && head < to.Count && !Differs(from[head], to[head], elements, writer))
        {
            head++;
        }

        var tail = 0;
        while (tail < from.Count - head && tail < to.Count - head
               && !Differs(from[from.Count - 1 - tail], to[to.Count - 1 - tail], elements, writer))
        {
            tail++;
        }

        var oldMiddle = from.Count - head - tail;
        var newMiddle = to.Count - head - tail;
        var paired = Math.Min(oldMiddle, newMiddle);
        for (var i = 0; i < paired; i++)
        {
            writer.Path.Push(head + i);
            Element(from[head + i], to[head + i], elements, writer);
            writer.Path.Pop();
        }

        for (var i = paired; i < newMiddle; i++)
        {
            writer.Path.Push(head + i);
            Element(null, to[head + i], elements, writer);
            writer.Path.Pop();
        }

        // Each removal shifts the rest left, so the same index is removed repeatedly.
        for (var i = paired; i < oldMiddle; i++)
        {
            writer.Path.Push(head + paired);
            writer.Remove();
            writer.Path.Pop();
        }
    }

    /// <summary>
    /// Lists of named objects (containers, volumes, env) are matched by <c>name</c>, their merge key in the API,
    /// so a container inserted before the app is an <c>add</c> and the app's own changes stay small.
    /// Falls back (returns false) unless every element has a distinct name and the survivors kept their order.
    /// </summary>
    private static bool TryDiffByName(IList from, IList to, JsonTypeInfo elements, PatchWriter writer)
    {
        if (Shape.Of(elements).Name is not { Get: { } name }
            || NamesOf(from, name) is not { } oldNames
            || NamesOf(to, name) is not { } newNames)
        {
            return false;
        }

        var survivors = 0;
        for (var i = 0; i < newNames.Length; i++)
        {
            if (Array.IndexOf(oldNames, newNames[i]) is var oldIndex and >= 0)
            {
                // Survivors must appear in the same relative order; otherwise a positional diff is clearer.
                while (survivors < oldNames.Length && Array.IndexOf(newNames, oldNames[survivors]) < 0)
                {
                    survivors++;
                }

                if (survivors != oldIndex)
                {
                    return false;
                }

                survivors++;
            }
        }

        for (var i = oldNames.Length - 1; i >= 0; i--)
        {
            if (Array.IndexOf(newNames, oldNames[i]) < 0)
            {
                writer.Path.Push(i);
                writer.Remove();
                writer.Path.Pop();
            }
        }

        for (var i = 0; i < newNames.Length; i++)
        {
            var oldIndex = Array.IndexOf(oldNames, newNames[i]);
            writer.Path.Push(i);
            Element(oldIndex >= 0 ? from[oldIndex] : null, to[i], elements, writer);
            writer.Path.Pop();
        }

        return true;
    }

    /// <summary>A list element: a null element is written as JSON null, so it is a value like any other.</summary>
    private static void Element(object? before, object? after, JsonTypeInfo elements, PatchWriter writer)
    {
        if (ReferenceEquals(before, after))
        {
            return;
        }

        if (before is null)
        {
            writer.Add(after, elements);
        }
        else if (after is null)
        {
            writer.Replace(null, elements);
        }
        else
        {
            Diff(before, after, elements, writer);
        }
    }

    private static bool Differs(object? before, object? after, JsonTypeInfo elements, PatchWriter writer)
    {
        if (ReferenceEquals(before, after))
        {
            return false;
        }

        if (before is null || after is null)
        {
            return true;
        }

        return writer.Differs((before, after, elements), static (s, w) => Diff(s.before, s.after, s.elements, w));
    }

    /// <summary>The <c>name</c> of every element, or null unless all have distinct non-null names.</summary>
    private static string[]? NamesOf(IList items, Func<object, object?> name)
    {
        var names = new string[items.Count];
        for (var i = 0; i < names.Length; i++)
        {
            if (items[i] is not { } item || name(item) is not string text || Array.IndexOf(names, text, 0, i) >= 0)
            {
                return null;
            }

            names[i] = text;
        }

        return names;
    }

    /// <summary>
    /// Leaves written by a converter (IntOrString, raw JSON such as managedFields) may lack value equality; two
    /// unshared instances are equal when they serialize alike. Only leaves outside the copy's sharing get here.
    /// </summary>
    private static bool SameJson(object from, object to, JsonTypeInfo contract)
        => JsonSerializer.SerializeToUtf8Bytes(from, contract).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(to, contract));

    /// <summary>
    /// The same object, or an equal string or boxed value: compared by value, since a box is never the same
    /// reference twice. Anything else is walked (or, for a leaf, compared by <see cref="Diff"/>).
    /// </summary>
    private static bool Unchanged(object? before, object? after)
        => ReferenceEquals(before, after) || ((before is string || before?.GetType().IsValueType == true) && Equals(before, after));
}
