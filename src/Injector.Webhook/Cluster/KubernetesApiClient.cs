using k8s;

namespace Injector.Webhook.Cluster;

/// <summary>
/// KubernetesClient's <see cref="Kubernetes"/> with one addition: a raw streaming GET through the library's own
/// request path (credentials, TLS server name, HTTP/2, error statuses as <c>HttpOperationException</c>), so the
/// caches read watch streams with <see cref="WatchEventReader"/> instead of the library's watcher, which cannot
/// decode an event under NativeAOT.
/// </summary>
internal sealed class KubernetesApiClient(KubernetesClientConfiguration config) : Kubernetes(config)
{
    /// <summary>
    /// GET <paramref name="relativeUri"/> (e.g. <c>api/v1/namespaces?watch=true</c>), answered as soon as the
    /// headers arrive; the body is left to the caller to stream. Throws <c>HttpOperationException</c> on a non-2xx.
    /// </summary>
    public Task<HttpResponseMessage> GetStreamAsync(string relativeUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relativeUri);
        return SendRequest<object?>(relativeUri, HttpMethod.Get, customHeaders: null, body: null, cancellationToken);
    }
}
