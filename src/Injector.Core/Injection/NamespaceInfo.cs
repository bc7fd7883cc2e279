namespace Injector.Core.Injection;

/// <summary>What injection needs to know of a pod's Namespace: its labels (opt-in) and annotations (defaults).</summary>
public sealed record NamespaceInfo(
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>A namespace with no labels or annotations.</summary>
    public static NamespaceInfo Empty(string name) => new(name, new Dictionary<string, string>(), new Dictionary<string, string>());
}
