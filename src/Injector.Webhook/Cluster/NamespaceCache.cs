using Injector.Core.Admission;
using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Namespaces from list+watch, kept as <see cref="NamespaceInfo"/>: all labels (few and small) and only the
/// <c>tls-injector.io/</c> annotations, so a namespace's large <c>last-applied-configuration</c> costs nothing.
/// </summary>
internal sealed class NamespaceCache(
    KubernetesApiClient client,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger<NamespaceCache> logger)
    : ResourceCache<V1Namespace, V1NamespaceList, NamespaceInfo>(client, options, timeProvider, metrics, logger)
{
    public override string ResourceName => "namespaces";

    /// <summary>From the cache; on a miss, one direct GET (a namespace created a moment ago may not have arrived yet).</summary>
    public async Task<NamespaceLookup> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (TryGetCached(name, out var info))
        {
            return NamespaceLookup.Found(info);
        }

        try
        {
            var ns = await Client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken);
            return NamespaceLookup.Found(Remember(ns));
        }
        catch (Exception ex) when (IsNotFound(ex))
        {
            return NamespaceLookup.NotFound;
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return NamespaceLookup.Unavailable($"namespace \"{name}\" could not be read from the API: {ex.Message}");
        }
    }

    protected override Task<V1NamespaceList> ListAsync(string? continueToken, CancellationToken cancellationToken)
        => Client.CoreV1.ListNamespaceAsync(continueParameter: continueToken, limit: 500, cancellationToken: cancellationToken);

    protected override string CollectionPath => "api/v1/namespaces";

    protected override NamespaceInfo Project(V1Namespace obj)
    {
        var labels = obj.Metadata?.Labels is { } l ? new Dictionary<string, string>(l, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj.Metadata?.Annotations ?? new Dictionary<string, string>())
        {
            if (key.StartsWith(ContractNames.Prefix, StringComparison.Ordinal))
            {
                annotations[key] = value;
            }
        }

        return new NamespaceInfo(obj.Metadata?.Name ?? string.Empty, labels, annotations);
    }
}
