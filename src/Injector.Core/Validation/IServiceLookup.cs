using k8s.Models;

namespace Injector.Core.Validation;

/// <summary>The Services of a namespace, to learn the DNS names clients use to reach a pod.</summary>
public interface IServiceLookup
{
    /// <summary>Every Service in the namespace; null when the source cannot answer (the SAN check is then skipped).</summary>
    Task<IReadOnlyList<V1Service>?> ListAsync(string namespaceName, CancellationToken cancellationToken);
}
