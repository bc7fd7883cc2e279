using System.Text;
using Injector.Core.Validation;
using k8s.Models;

namespace Injector.Core.Manifests;

/// <summary>
/// Answers Secret lookups from Secret objects at hand (the documents of the file being checked), and asks
/// <paramref name="fallback"/> (a directory, the cluster) for the rest. The offline twin of the webhook's cache.
/// </summary>
public sealed class ManifestSecretLookup(IEnumerable<V1Secret> secrets, string defaultNamespace, ISecretLookup? fallback = null) : ISecretLookup
{
    private readonly Dictionary<(string Namespace, string Name), IReadOnlyDictionary<string, byte[]>> _secrets = secrets
        .Where(s => s.Metadata?.Name is not null)
        .ToDictionary(s => (s.Metadata.NamespaceProperty ?? defaultNamespace, s.Metadata.Name), DataOf);

    public Task<SecretLookupResult> GetAsync(string namespaceName, string name, CancellationToken cancellationToken)
        => _secrets.TryGetValue((namespaceName, name), out var data)
            ? Task.FromResult(SecretLookupResult.Found(data))
            : fallback?.GetAsync(namespaceName, name, cancellationToken) ?? Task.FromResult(SecretLookupResult.NotFound);

    /// <summary><c>data</c> (already base64-decoded by the model) merged with <c>stringData</c>, which wins as on the API server.</summary>
    private static IReadOnlyDictionary<string, byte[]> DataOf(V1Secret secret)
    {
        var data = new Dictionary<string, byte[]>(secret.Data ?? new Dictionary<string, byte[]>(), StringComparer.Ordinal);
        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>())
        {
            data[key] = Encoding.UTF8.GetBytes(value);
        }

        return data;
    }
}
