using Injector.Core.Validation;
using k8s.Models;

namespace Injector.Core.Manifests;

/// <summary>Services from the documents at hand, plus those <paramref name="fallback"/> (the cluster) knows, for the SAN check.</summary>
public sealed class ManifestServiceLookup(IEnumerable<V1Service> services, string defaultNamespace, IServiceLookup? fallback = null) : IServiceLookup
{
    private readonly ILookup<string, V1Service> _byNamespace = services
        .Where(s => s.Metadata?.Name is not null)
        .ToLookup(s => s.Metadata.NamespaceProperty ?? defaultNamespace, StringComparer.Ordinal);

    public async Task<IReadOnlyList<V1Service>?> ListAsync(string namespaceName, CancellationToken cancellationToken)
    {
        var local = _byNamespace[namespaceName].ToList();
        if (fallback is null || await fallback.ListAsync(namespaceName, cancellationToken) is not { } remote)
        {
            return local;
        }

        var names = local.Select(s => s.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        return [.. local, .. remote.Where(s => !names.Contains(s.Metadata.Name))];
    }
}
