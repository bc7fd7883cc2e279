using Injector.Core.Injection;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using k8s;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Starts the API side at boot: reads the server version (for native-sidecar <c>auto</c> mode) and runs the
/// Namespace and Secret caches. Ready once the version is known and the caches have listed.
/// </summary>
internal sealed partial class ClusterState(
    IKubernetes client,
    NamespaceCache namespaces,
    SecretCache secrets,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger<ClusterState> logger) : BackgroundService
{
    private volatile ClusterInfo? _info;

    /// <summary>The API server's version; <see cref="ClusterInfo.Unknown"/> until it was read.</summary>
    public ClusterInfo Info => _info ?? ClusterInfo.Unknown;

    public bool IsReady => _info is not null && namespaces.IsSynced && (!options.Value.CacheSecrets || secrets.IsSynced);

    /// <summary>What is not ready yet, for <c>/readyz</c>.</summary>
    public IEnumerable<string> Pending()
    {
        if (_info is null)
        {
            yield return "API server version not read yet";
        }

        if (!namespaces.IsSynced)
        {
            yield return "namespace cache not synced";
        }

        if (options.Value.CacheSecrets && !secrets.IsSynced)
        {
            yield return "secret cache not synced";
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.SetGauge("tls_injector_webhook_cache_objects{resource=\"namespaces\"}", () => namespaces.Count);
        metrics.SetGauge("tls_injector_webhook_cache_objects{resource=\"secrets\"}", () => secrets.Count);
        metrics.SetGauge("tls_injector_webhook_cache_synced{resource=\"namespaces\"}", () => namespaces.IsSynced ? 1 : 0);
        metrics.SetGauge("tls_injector_webhook_cache_synced{resource=\"secrets\"}", () => secrets.IsSynced ? 1 : 0);

        var caches = new List<Task> { namespaces.RunAsync(stoppingToken) };
        if (options.Value.CacheSecrets)
        {
            caches.Add(secrets.RunAsync(stoppingToken));
        }

        await ReadVersionAsync(stoppingToken);
        await Task.WhenAll(caches);
    }

    private async Task ReadVersionAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var version = await client.Version.GetCodeAsync(stoppingToken);
                _info = ClusterInfo.FromVersion(version.Major, version.Minor);
                Log.Version(logger, version.GitVersion, _info.ServerVersion?.ToString() ?? "unknown");
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.VersionFailed(logger, backoff, ex);
                try
                {
                    await Task.Delay(backoff, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Information, "API server is {GitVersion} (sidecar mode auto decides on {Version})")]
        public static partial void Version(ILogger logger, string? gitVersion, string version);

        [LoggerMessage(301, LogLevel.Warning, "Cannot read the API server version; retrying in {Backoff}")]
        public static partial void VersionFailed(ILogger logger, TimeSpan backoff, Exception exception);
    }
}
