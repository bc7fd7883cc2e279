using Injector.Core.Injection;

namespace Injector.Core.Admission;

/// <summary>A Namespace's labels and annotations, or why they could not be had.</summary>
public sealed record NamespaceLookup(NamespaceLookupStatus Status, NamespaceInfo? Info, string? Error)
{
    public static NamespaceLookup Found(NamespaceInfo info) => new(NamespaceLookupStatus.Found, info, null);

    public static readonly NamespaceLookup NotFound = new(NamespaceLookupStatus.NotFound, null, null);

    public static NamespaceLookup Unavailable(string error) => new(NamespaceLookupStatus.Unavailable, null, error);

    /// <summary>The words for a namespace that could not be looked up, as both webhooks answer them.</summary>
    public string Problem(string namespaceName)
        => Status == NamespaceLookupStatus.NotFound ? $"namespace \"{namespaceName}\" was not found" : Error ?? $"namespace \"{namespaceName}\" could not be read";
}

public enum NamespaceLookupStatus
{
    Found,
    NotFound,
    Unavailable,
}
