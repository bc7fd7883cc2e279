using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// NetworkPolicies from list+watch (networking.k8s.io/v1), kept as namespace, name, <c>podSelector</c> and
/// <c>policyTypes</c> only: all that is needed to tell whether some policy restricts ingress to a pod. The rules
/// themselves (often the bulk of a policy) are dropped on arrival.
/// </summary>
internal sealed class NetworkPolicyCache(
    KubernetesApiClient client,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger<NetworkPolicyCache> logger)
    : ResourceCache<V1NetworkPolicy, V1NetworkPolicyList, V1NetworkPolicy>(client, options, timeProvider, metrics, logger)
{
    public override string ResourceName => "networkpolicies";

    /// <summary>
    /// The cached policies of one namespace. A scan of every entry: policies number in the hundreds even in big
    /// clusters, and the scan is only made for a pod that was just injected.
    /// </summary>
    public IReadOnlyList<V1NetworkPolicy> InNamespace(string namespaceName)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        return EntriesInNamespace(namespaceName);
    }

    /// <summary>
    /// The namespace's policies straight from the API, projected like cached ones; null when the API does not
    /// answer in time. Used where a policy created a moment ago (not yet seen by the watch) must count.
    /// </summary>
    public async Task<IReadOnlyList<V1NetworkPolicy>?> ListFromApiAsync(string namespaceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        var list = await ReadLiveAsync(token => Client.NetworkingV1.ListNamespacedNetworkPolicyAsync(namespaceName, cancellationToken: token), cancellationToken);
        return list is null ? null : [.. (list.Items ?? []).Select(Project)];
    }

    protected override Task<V1NetworkPolicyList> ListAsync(string? continueToken, CancellationToken cancellationToken)
        => Client.NetworkingV1.ListNetworkPolicyForAllNamespacesAsync(continueParameter: continueToken, limit: 500, cancellationToken: cancellationToken);

    protected override string CollectionPath => "apis/networking.k8s.io/v1/networkpolicies";

    protected override V1NetworkPolicy Project(V1NetworkPolicy obj) => new()
    {
        Metadata = new V1ObjectMeta { Name = obj.Metadata?.Name, NamespaceProperty = obj.Metadata?.NamespaceProperty },
        Spec = new V1NetworkPolicySpec
        {
            // An absent podSelector cannot come from the API (it is required); empty selects every pod, the safe reading.
            PodSelector = obj.Spec?.PodSelector ?? new V1LabelSelector(),
            PolicyTypes = obj.Spec?.PolicyTypes,
        },
    };
}
