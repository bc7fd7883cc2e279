using Injector.Core.Validation;

namespace Injector.Cli.Lookups;

/// <summary>
/// Secrets as directories of files, laid out like a mounted Secret: <c>DIR/NAMESPACE/NAME/tls.crt</c>, or
/// <c>DIR/NAME/tls.crt</c> for any namespace. Lets <c>check</c> run offline against real certificate files.
/// </summary>
internal sealed class DirectorySecretLookup(string root, ISecretLookup? fallback = null) : ISecretLookup
{
    public Task<SecretLookupResult> GetAsync(string namespaceName, string name, CancellationToken cancellationToken)
    {
        foreach (var dir in new[] { Path.Combine(root, namespaceName, name), Path.Combine(root, name) })
        {
            if (Directory.Exists(dir))
            {
                // Skip the kubelet's ..data and ..TIMESTAMP entries: the visible names are symlinks into them.
                var data = Directory.EnumerateFiles(dir)
                    .Where(f => !Path.GetFileName(f).StartsWith("..", StringComparison.Ordinal))
                    .ToDictionary(f => Path.GetFileName(f.AsSpan()).ToString(), File.ReadAllBytes, StringComparer.Ordinal);
                return Task.FromResult(SecretLookupResult.Found(data));
            }
        }

        return fallback?.GetAsync(namespaceName, name, cancellationToken) ?? Task.FromResult(SecretLookupResult.NotFound);
    }
}
