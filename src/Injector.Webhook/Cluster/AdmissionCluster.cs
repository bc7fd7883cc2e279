using Injector.Core.Admission;
using Injector.Core.Injection;
using Injector.Core.Validation;
using k8s.Models;

namespace Injector.Webhook.Cluster;

/// <summary>The webhook's API caches, and their live reads, as admission sees the cluster.</summary>
internal sealed class AdmissionCluster(
    ClusterState state,
    NamespaceCache namespaces,
    ISecretLookup secrets,
    ServiceCache services,
    NetworkPolicyCache networkPolicies) : IAdmissionCluster
{
    public ClusterInfo Info => state.Info;

    public ISecretLookup Secrets => secrets;

    public IServiceLookup Services => services;

    public IServiceLookup LiveServices => services.Live;

    public Task<NamespaceLookup> GetNamespaceAsync(string name, CancellationToken cancellationToken) => namespaces.GetAsync(name, cancellationToken);

    public IReadOnlyList<V1NetworkPolicy> NetworkPolicies(string namespaceName) => networkPolicies.InNamespace(namespaceName);

    public Task<IReadOnlyList<V1NetworkPolicy>?> LiveNetworkPoliciesAsync(string namespaceName, CancellationToken cancellationToken)
        => networkPolicies.ListFromApiAsync(namespaceName, cancellationToken);
}
