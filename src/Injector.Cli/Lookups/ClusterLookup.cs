using System.Net;
using Injector.Core.Injection;
using Injector.Core.Validation;
using k8s;
using k8s.Autorest;

namespace Injector.Cli.Lookups;

/// <summary>Secrets and Namespaces read from the cluster of the current kubeconfig, one GET each (CLI use only).</summary>
internal sealed class ClusterLookup(IKubernetes client) : ISecretLookup, IServiceLookup
{
    public async Task<SecretLookupResult> GetAsync(string namespaceName, string name, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, namespaceName, cancellationToken: cancellationToken);
            return SecretLookupResult.Found(new Dictionary<string, byte[]>(secret.Data ?? new Dictionary<string, byte[]>(), StringComparer.Ordinal));
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return SecretLookupResult.NotFound;
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
        {
            return SecretLookupResult.Unavailable(ex.Message);
        }
    }

    public async Task<IReadOnlyList<k8s.Models.V1Service>?> ListAsync(string namespaceName, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.CoreV1.ListNamespacedServiceAsync(namespaceName, cancellationToken: cancellationToken)).Items.ToList();
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The namespace's labels and annotations; an empty namespace when it does not exist (yet).</summary>
    public async Task<NamespaceInfo> GetNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var ns = await client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken);
            return new NamespaceInfo(
                name,
                new Dictionary<string, string>(ns.Metadata.Labels ?? new Dictionary<string, string>()),
                new Dictionary<string, string>(ns.Metadata.Annotations ?? new Dictionary<string, string>()));
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return NamespaceInfo.Empty(name);
        }
    }

    /// <summary>The API server's version, for SidecarMode auto.</summary>
    public async Task<ClusterInfo> GetClusterInfoAsync(CancellationToken cancellationToken)
    {
        var version = await client.Version.GetCodeAsync(cancellationToken);
        return ClusterInfo.FromVersion(version.Major, version.Minor);
    }
}
