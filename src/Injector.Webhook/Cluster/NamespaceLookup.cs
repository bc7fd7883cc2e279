using Injector.Core.Injection;

namespace Injector.Webhook.Cluster;

/// <summary>A Namespace's labels and annotations, or why they could not be had.</summary>
internal sealed record NamespaceLookup(NamespaceLookupStatus Status, NamespaceInfo? Info, string? Error)
{
    public static NamespaceLookup Found(NamespaceInfo info) => new(NamespaceLookupStatus.Found, info, null);

    public static readonly NamespaceLookup NotFound = new(NamespaceLookupStatus.NotFound, null, null);

    public static NamespaceLookup Unavailable(string error) => new(NamespaceLookupStatus.Unavailable, null, error);
}

internal enum NamespaceLookupStatus
{
    Found,
    NotFound,
    Unavailable,
}
