using Injector.Core.Configuration;
using k8s.Models;

namespace Injector.Core.Injection;

/// <summary>
/// The product: decides whether a pod gets the <c>tls-proxy</c> sidecar and produces the injected pod and the
/// RFC 6902 patch to it. The webhook and the CLI both call this, and nothing else, to inject.
/// </summary>
public sealed class PodInjector(InjectorOptions options)
{
    public InjectorOptions Options { get; } = options;

    /// <summary>
    /// Injects <paramref name="pod"/> (never modified) living in <paramref name="ns"/>.
    /// </summary>
    public InjectionResult Inject(V1Pod pod, NamespaceInfo ns, ClusterInfo cluster)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(cluster);
        _ = Options;
        throw new NotImplementedException("landing in the Core issue");
    }
}
