using Injector.Core.Validation;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Secrets for validation, from list+watch, keeping only the keys the validator reads (<c>tls.crt</c>,
/// <c>tls.key</c>, <c>ca.crt</c>): every other key and all metadata are dropped on arrival, so the cache costs a
/// few bytes per unrelated Secret. Service account tokens are not even listed (field selector).
/// With <see cref="WebhookOptions.CacheSecrets"/> false, nothing is cached and every lookup is one GET.
/// </summary>
internal sealed class SecretCache(
    KubernetesApiClient client,
    IOptions<WebhookOptions> webhookOptions,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger<SecretCache> logger)
    : ResourceCache<V1Secret, V1SecretList, IReadOnlyDictionary<string, byte[]>>(client, webhookOptions, timeProvider, metrics, logger), ISecretLookup
{
    /// <summary>The Secret keys kept; the rest never reaches memory beyond the deserializer.</summary>
    public static readonly IReadOnlySet<string> KeptKeys = new HashSet<string>(StringComparer.Ordinal) { "tls.crt", "tls.key", "ca.crt" };


    public override string ResourceName => "secrets";

    /// <summary>From the cache; on a miss, one direct GET (the Secret may be created in the same apply as the workload).</summary>
    public async Task<SecretLookupResult> GetAsync(string namespaceName, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        ArgumentNullException.ThrowIfNull(name);
        if (TryGetCached(Key(namespaceName, name), out var data))
        {
            return SecretLookupResult.Found(data);
        }

        try
        {
            var secret = await Client.CoreV1.ReadNamespacedSecretAsync(name, namespaceName, cancellationToken: cancellationToken);
            return SecretLookupResult.Found(Options.CacheSecrets ? Remember(secret) : Project(secret));
        }
        catch (Exception ex) when (IsNotFound(ex))
        {
            return SecretLookupResult.NotFound;
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return SecretLookupResult.Unavailable($"Secret \"{namespaceName}/{name}\" could not be read from the API: {ex.Message}");
        }
    }

    protected override Task<V1SecretList> ListAsync(string? continueToken, CancellationToken cancellationToken)
        => Client.CoreV1.ListSecretForAllNamespacesAsync(continueParameter: continueToken, fieldSelector: FieldSelector, limit: 500, cancellationToken: cancellationToken);

    protected override string CollectionPath => "api/v1/secrets";

    protected override string FieldSelector => "type!=kubernetes.io/service-account-token";

    protected override IReadOnlyDictionary<string, byte[]> Project(V1Secret obj)
    {
        var kept = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in obj.Data ?? new Dictionary<string, byte[]>())
        {
            if (KeptKeys.Contains(key) && value is not null)
            {
                kept[key] = value;
            }
        }

        return kept;
    }
}
