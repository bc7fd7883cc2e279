using System.Globalization;

namespace Injector.Core.Patching;

/// <summary>
/// The JSON Pointer of the node being compared, kept as segments and turned into a string only when an
/// operation is emitted: most nodes of a pod are unchanged and never need their path spelled out.
/// </summary>
internal sealed class PointerBuilder
{
    private static readonly string[] SmallIndexes = [.. Enumerable.Range(0, 64).Select(i => i.ToString(CultureInfo.InvariantCulture))];
    private readonly List<string> _segments = [];

    public void Push(string escapedKey) => _segments.Add(escapedKey);

    public void Push(int index) => _segments.Add(Index(index));

    public void Pop() => _segments.RemoveAt(_segments.Count - 1);

    /// <summary>The pointer of a child of the current node.</summary>
    public string With(string escapedKey) => ToString() + "/" + escapedKey;

    public string With(int index) => With(Index(index));

    public override string ToString() => _segments.Count == 0 ? string.Empty : "/" + string.Join('/', _segments);

    private static string Index(int index) => index < SmallIndexes.Length ? SmallIndexes[index] : index.ToString(CultureInfo.InvariantCulture);
}
