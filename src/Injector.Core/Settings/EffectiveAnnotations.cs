namespace Injector.Core.Settings;

/// <summary>A pod's annotation, or else its namespace's (the pod's value wins).</summary>
internal sealed class EffectiveAnnotations(IDictionary<string, string> pod, IReadOnlyDictionary<string, string> ns)
{
    public string? Get(string key)
        => pod.TryGetValue(key, out var value) ? value.Trim() : ns.TryGetValue(key, out var fallback) ? fallback.Trim() : null;

    public bool FromNamespace(string key) => !pod.ContainsKey(key) && ns.ContainsKey(key);

    /// <summary><c>annotation tls-injector.io/mtls="on"</c>, saying when the value is a namespace default.</summary>
    public string Describe(string key)
        => FromNamespace(key)
            ? $"namespace default annotation {key}=\"{Get(key)}\""
            : $"annotation {key}=\"{Get(key)}\"";
}
