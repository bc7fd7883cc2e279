using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Injector.Tls.Certificates;
using Injector.Webhook.Certificates;
using Injector.Webhook.Configuration;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Bootstrap;

/// <summary>
/// The self-signed overlay's start-up (<c>Webhook:Bootstrap:Enabled</c>), as Vault's injector does with
/// <c>-tls-auto</c>: get or create the CA Secret every replica shares (so replicas never fight over caBundle,
/// hashicorp/vault-helm#580), issue a serving leaf for <c>SERVICE.NAMESPACE.svc</c> in memory, and patch
/// <c>caBundle</c> into every webhook of the named configurations. Retries until it succeeds; re-issues the leaf
/// when two thirds of its lifetime have passed.
/// </summary>
internal sealed partial class WebhookBootstrapper(
    IKubernetes client,
    ServingCertificate serving,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    ILogger<WebhookBootstrapper> logger) : BackgroundService
{
    private volatile bool _done;

    /// <summary>True when the bootstrap is off, or has put the certificate and the caBundle in place.</summary>
    public bool IsDone => _done || !options.Value.Bootstrap.Enabled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Bootstrap;
        if (!o.Enabled)
        {
            return;
        }

        X509Certificate2? authority = null;
        while (authority is null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                authority = await RunOnceAsync(o, stoppingToken);
                _done = true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Whatever went wrong (API down, RBAC, a malformed Secret), retry: a crash would only restart the pod
                // into the same state, and the readiness probe already keeps traffic away.
                Log.Failed(logger, o.RetryInterval, ex);
                await DelayAsync(o.RetryInterval, stoppingToken);
            }
        }

        // Re-issue the leaf from the same CA before it expires: no API call, the caBundle stays valid.
        while (authority is not null && !stoppingToken.IsCancellationRequested)
        {
            var renewAt = timeProvider.GetUtcNow() + (o.LeafLifetime * 2 / 3);
            while (timeProvider.GetUtcNow() < renewAt && !stoppingToken.IsCancellationRequested)
            {
                // Timers cannot wait longer than ~49 days; wake up daily and look at the clock.
                var left = renewAt - timeProvider.GetUtcNow();
                await DelayAsync(left <= TimeSpan.Zero ? TimeSpan.Zero : left < TimeSpan.FromDays(1) ? left : TimeSpan.FromDays(1), stoppingToken);
            }

            if (!stoppingToken.IsCancellationRequested)
            {
                IssueLeaf(authority, o);
            }
        }
    }

    /// <summary>One full attempt; returns the CA so the leaf can be re-issued later.</summary>
    internal async Task<X509Certificate2> RunOnceAsync(BootstrapOptions o, CancellationToken cancellationToken)
    {
        var ns = o.Namespace ?? throw new InvalidOperationException("Webhook:Bootstrap:Namespace (POD_NAMESPACE) is not set.");
        var authority = await GetOrCreateAuthorityAsync(ns, o, cancellationToken);
        IssueLeaf(authority, o);
        var caBundle = Encoding.UTF8.GetBytes(CertificateGenerator.ToCertificatePem(authority));
        if (!string.IsNullOrWhiteSpace(o.MutatingWebhookConfiguration))
        {
            var config = await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(o.MutatingWebhookConfiguration, cancellationToken: cancellationToken);
            if (CaBundlePatch(config.Webhooks?.Select(w => (w.Name, w.ClientConfig?.CaBundle)).ToList() ?? [], caBundle) is { } patch)
            {
                await client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(new V1Patch(patch, V1Patch.PatchType.JsonPatch), o.MutatingWebhookConfiguration, cancellationToken: cancellationToken);
                Log.Patched(logger, "MutatingWebhookConfiguration", o.MutatingWebhookConfiguration, config.Webhooks?.Count ?? 0);
            }
        }

        if (!string.IsNullOrWhiteSpace(o.ValidatingWebhookConfiguration))
        {
            var config = await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(o.ValidatingWebhookConfiguration, cancellationToken: cancellationToken);
            if (CaBundlePatch(config.Webhooks?.Select(w => (w.Name, w.ClientConfig?.CaBundle)).ToList() ?? [], caBundle) is { } patch)
            {
                await client.AdmissionregistrationV1.PatchValidatingWebhookConfigurationAsync(new V1Patch(patch, V1Patch.PatchType.JsonPatch), o.ValidatingWebhookConfiguration, cancellationToken: cancellationToken);
                Log.Patched(logger, "ValidatingWebhookConfiguration", o.ValidatingWebhookConfiguration, config.Webhooks?.Count ?? 0);
            }
        }

        return authority;
    }

    private async Task<X509Certificate2> GetOrCreateAuthorityAsync(string ns, BootstrapOptions o, CancellationToken cancellationToken)
    {
        try
        {
            return LoadAuthority(await client.CoreV1.ReadNamespacedSecretAsync(o.CaSecretName, ns, cancellationToken: cancellationToken));
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // First replica to start: create it. Another may do the same at this moment; then its CA wins.
        }

        var now = timeProvider.GetUtcNow();
        var authority = CertificateGenerator.CreateCertificateAuthority($"{o.ServiceName}.{ns} webhook CA", now.AddMinutes(-5), now + o.CaLifetime);
        var certificatePem = CertificateGenerator.ToCertificatePem(authority);
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = o.CaSecretName,
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "tls-injector", ["app.kubernetes.io/component"] = "webhook-ca" },
            },
            Type = "kubernetes.io/tls",
            Data = new Dictionary<string, byte[]>
            {
                ["tls.crt"] = Encoding.UTF8.GetBytes(certificatePem),
                ["tls.key"] = Encoding.UTF8.GetBytes(CertificateGenerator.ToPrivateKeyPem(authority)),
                ["ca.crt"] = Encoding.UTF8.GetBytes(certificatePem),
            },
        };
        try
        {
            await client.CoreV1.CreateNamespacedSecretAsync(secret, ns, cancellationToken: cancellationToken);
            Log.CreatedAuthority(logger, ns, o.CaSecretName, authority.NotAfter);
            return authority;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            authority.Dispose();
            Log.LostRace(logger, ns, o.CaSecretName);
            return LoadAuthority(await client.CoreV1.ReadNamespacedSecretAsync(o.CaSecretName, ns, cancellationToken: cancellationToken));
        }
    }

    private static X509Certificate2 LoadAuthority(V1Secret secret)
    {
        var data = secret.Data ?? new Dictionary<string, byte[]>();
        if (!data.TryGetValue("tls.crt", out var cert) || !data.TryGetValue("tls.key", out var key))
        {
            throw new InvalidOperationException($"Secret {secret.Metadata?.NamespaceProperty}/{secret.Metadata?.Name} lacks tls.crt or tls.key. Hint: delete it; the webhook creates a new CA.");
        }

        return PemCertificateLoader.LoadServer(Encoding.UTF8.GetString(cert), Encoding.UTF8.GetString(key), $"Secret {secret.Metadata?.Name}").Leaf;
    }

    private void IssueLeaf(X509Certificate2 authority, BootstrapOptions o)
    {
        var now = timeProvider.GetUtcNow();
        var service = $"{o.ServiceName}.{o.Namespace}.svc";
        var leaf = CertificateGenerator.Issue(authority, new LeafSpec
        {
            CommonName = service,
            DnsNames = [service, service + ".cluster.local", o.ServiceName, $"{o.ServiceName}.{o.Namespace}"],
            NotBefore = now.AddMinutes(-5),
            NotAfter = now + o.LeafLifetime,
        });
        serving.UseInMemory(leaf);
        Log.Issued(logger, service, leaf.NotAfter);
    }

    /// <summary>
    /// A JSON patch setting caBundle on every webhook, each guarded by a <c>test</c> of its name so a concurrent edit
    /// that reorders the list fails the patch instead of putting the bundle on the wrong webhook. Null when all
    /// webhooks already carry this bundle (nothing to write).
    /// </summary>
    internal static string? CaBundlePatch(IReadOnlyList<(string Name, byte[]? CaBundle)> webhooks, byte[] caBundle)
    {
        if (webhooks.All(w => w.CaBundle is not null && w.CaBundle.AsSpan().SequenceEqual(caBundle)))
        {
            return null;
        }

        var ops = new JsonArray();
        for (var i = 0; i < webhooks.Count; i++)
        {
            // As JsonNode, so Add(JsonNode) is called: the generic Add<T> is marked unsafe for trimming and NativeAOT.
            ops.Add((JsonNode)new JsonObject { ["op"] = "test", ["path"] = $"/webhooks/{i}/name", ["value"] = webhooks[i].Name });
            ops.Add((JsonNode)new JsonObject { ["op"] = "add", ["path"] = $"/webhooks/{i}/clientConfig/caBundle", ["value"] = Convert.ToBase64String(caBundle) });
        }

        return ops.ToJsonString();
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(500, LogLevel.Information, "Created the webhook CA Secret {Namespace}/{Secret}, valid until {NotAfter}")]
        public static partial void CreatedAuthority(ILogger logger, string @namespace, string secret, DateTime notAfter);

        [LoggerMessage(501, LogLevel.Information, "Another replica created the CA Secret {Namespace}/{Secret} first; using it")]
        public static partial void LostRace(ILogger logger, string @namespace, string secret);

        [LoggerMessage(502, LogLevel.Information, "Issued the serving certificate for {Service}, valid until {NotAfter}")]
        public static partial void Issued(ILogger logger, string service, DateTime notAfter);

        [LoggerMessage(503, LogLevel.Information, "Patched caBundle of {Webhooks} webhook(s) in {Kind} {Name}")]
        public static partial void Patched(ILogger logger, string kind, string name, int webhooks);

        [LoggerMessage(504, LogLevel.Warning, "Webhook bootstrap failed; retrying in {Retry}")]
        public static partial void Failed(ILogger logger, TimeSpan retry, Exception exception);
    }
}
