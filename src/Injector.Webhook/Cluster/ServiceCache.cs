using Injector.Core.Validation;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Services from list+watch, kept as namespace, name, <c>selector</c> and <c>ports</c> only: what <c>/validate</c>
/// needs to find the Services that select a pod (their DNS names must be in its certificate) and the ports they
/// target. With <see cref="WebhookOptions.CheckServices"/> false it never runs and answers null (check skipped).
/// </summary>
internal sealed class ServiceCache(
    KubernetesApiClient client,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger<ServiceCache> logger)
    : ResourceCache<V1Service, V1ServiceList, V1Service>(client, options, timeProvider, metrics, logger), IServiceLookup
{
    public override string ResourceName => "services";

    /// <summary>
    /// The cached Services of the namespace; null until the first list (the checks are then skipped, not failed).
    /// A scan of every entry, cheap next to the certificate checks of the same validation. Objects a user applies
    /// read <see cref="Live"/> instead: their Service may be in the same apply, ahead of the watch.
    /// </summary>
    public IReadOnlyList<V1Service>? InNamespace(string namespaceName)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        if (!Options.CheckServices || !IsSynced)
        {
            return null;
        }

        return EntriesInNamespace(namespaceName);
    }

    /// <summary>
    /// Reads the namespace's Services straight from the API (the cache when the API does not answer in time), for
    /// objects applied together with their Service, faster than the watch delivers it.
    /// </summary>
    public IServiceLookup Live => _live ??= new LiveLookup(this);

    private LiveLookup? _live;

    // Explicit: the base class's ListAsync is the API list of the informer, a different thing.
    Task<IReadOnlyList<V1Service>?> IServiceLookup.ListAsync(string namespaceName, CancellationToken cancellationToken)
        => Task.FromResult(InNamespace(namespaceName));

    protected override Task<V1ServiceList> ListAsync(string? continueToken, CancellationToken cancellationToken)
        => Client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: continueToken, limit: 500, cancellationToken: cancellationToken);

    protected override string CollectionPath => "api/v1/services";

    protected override V1Service Project(V1Service obj) => new()
    {
        Metadata = new V1ObjectMeta { Name = obj.Metadata?.Name, NamespaceProperty = obj.Metadata?.NamespaceProperty },
        Spec = new V1ServiceSpec
        {
            Selector = obj.Spec?.Selector,
            Ports = obj.Spec?.Ports?.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, TargetPort = p.TargetPort, Protocol = p.Protocol }).ToList(),
        },
    };

    private sealed class LiveLookup(ServiceCache cache) : IServiceLookup
    {
        public async Task<IReadOnlyList<V1Service>?> ListAsync(string namespaceName, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(namespaceName);
            if (!cache.Options.CheckServices)
            {
                return null;
            }

            var list = await cache.ReadLiveAsync(token => cache.Client.CoreV1.ListNamespacedServiceAsync(namespaceName, cancellationToken: token), cancellationToken);
            return list is null ? cache.InNamespace(namespaceName) : [.. (list.Items ?? []).Select(cache.Project)];
        }
    }
}
