using System.Net;
using Injector.Core.Injection;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Injector.Cli.Audit;

/// <summary>The pods and namespaces an audit looks at, listed in pages so a large cluster is not one huge response.</summary>
internal sealed class ClusterInventory(IKubernetes client)
{
    /// <summary>Items per list call; kubectl uses 500 too (its <c>--chunk-size</c> default).</summary>
    private const int PageSize = 500;

    public async Task<IReadOnlyList<V1Pod>> ListPodsAsync(string? namespaceName, CancellationToken cancellationToken)
    {
        var pods = new List<V1Pod>();
        string? next = null;
        do
        {
            var page = namespaceName is null
                ? await client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: next, limit: PageSize, cancellationToken: cancellationToken)
                : await client.CoreV1.ListNamespacedPodAsync(namespaceName, continueParameter: next, limit: PageSize, cancellationToken: cancellationToken);
            pods.AddRange(page.Items);
            next = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(next));

        return pods;
    }

    /// <summary>Every namespace, or the one asked for; throws <see cref="AuditException"/> when that one does not exist.</summary>
    public async Task<IReadOnlyDictionary<string, NamespaceInfo>> ListNamespacesAsync(string? namespaceName, CancellationToken cancellationToken)
    {
        var namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        if (namespaceName is not null)
        {
            try
            {
                var ns = await client.CoreV1.ReadNamespaceAsync(namespaceName, cancellationToken: cancellationToken);
                namespaces[namespaceName] = ToInfo(ns);
                return namespaces;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new AuditException($"namespace \"{namespaceName}\" does not exist. Fix: check the name with kubectl get namespaces.");
            }
        }

        string? next = null;
        do
        {
            var page = await client.CoreV1.ListNamespaceAsync(continueParameter: next, limit: PageSize, cancellationToken: cancellationToken);
            foreach (var ns in page.Items)
            {
                namespaces[ns.Metadata.Name] = ToInfo(ns);
            }

            next = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(next));

        return namespaces;
    }

    private static NamespaceInfo ToInfo(V1Namespace ns) => new(
        ns.Metadata.Name,
        new Dictionary<string, string>(ns.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
        new Dictionary<string, string>(ns.Metadata.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal));
}
