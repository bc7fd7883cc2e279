using Injector.Core.Injection;
using Injector.Core.Validation;
using k8s.Models;

namespace Injector.Core.Admission;

/// <summary>
/// What admission reads from the cluster. The webhook answers from its API caches, with live reads where a cache may
/// lag behind one <c>kubectl apply</c>; <see cref="AdmissionPolicy"/> decides when to use which.
/// </summary>
public interface IAdmissionCluster
{
    /// <summary>The API server's version and whether it runs native sidecars.</summary>
    ClusterInfo Info { get; }

    ISecretLookup Secrets { get; }

    /// <summary>Services as the cache has them.</summary>
    IServiceLookup Services { get; }

    /// <summary>Services read from the API, falling back to the cache when it does not answer in time.</summary>
    IServiceLookup LiveServices { get; }

    Task<NamespaceLookup> GetNamespaceAsync(string name, CancellationToken cancellationToken);

    /// <summary>The cached NetworkPolicies of a namespace (read only while the NetworkPolicy check is on).</summary>
    IReadOnlyList<V1NetworkPolicy> NetworkPolicies(string namespaceName);

    /// <summary>The namespace's NetworkPolicies read from the API; null when it does not answer in time.</summary>
    Task<IReadOnlyList<V1NetworkPolicy>?> LiveNetworkPoliciesAsync(string namespaceName, CancellationToken cancellationToken);
}
