using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using k8s;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Starts the API side at boot: reads the server version and, on <c>SidecarMode=Auto</c>, probes for native sidecars
/// (<see cref="NativeSidecarProbe"/>), and runs the Namespace and Secret caches. Ready once both are known and the
/// caches have listed. Neither is re-checked: they change only with an API server upgrade or restart, and switching
/// modes under a running webhook would give one workload's pods two shapes; a restart of the webhook re-decides.
/// </summary>
internal sealed partial class ClusterState(
    IKubernetes client,
    NamespaceCache namespaces,
    SecretCache secrets,
    IOptions<WebhookOptions> options,
    PodInjector injector,
    NativeSidecarProbe probe,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger<ClusterState> logger) : BackgroundService
{
    private volatile ClusterInfo? _info;

    /// <summary>The API server's version and native-sidecar probe; <see cref="ClusterInfo.Unknown"/> until both were read.</summary>
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
        metrics.ObserveCache("namespaces", () => namespaces.Count, () => namespaces.IsSynced);
        metrics.ObserveCache("secrets", () => secrets.Count, () => secrets.IsSynced);

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
                var info = ClusterInfo.FromVersion(version.Major, version.Minor);
                Log.Version(logger, version.GitVersion, info.ServerVersion?.ToString() ?? "unknown");
                _info = await DecideSidecarsAsync(info, stoppingToken);
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

    /// <summary>Adds the probe's answer on <c>Auto</c>; logs and exports which way the sidecar mode was decided.</summary>
    private async Task<ClusterInfo> DecideSidecarsAsync(ClusterInfo info, CancellationToken stoppingToken)
    {
        string decidedBy, reason;
        if (injector.Options.SidecarMode != SidecarMode.Auto)
        {
            (decidedBy, reason) = (SidecarDecisions.Configuration, $"SidecarMode={injector.Options.SidecarMode}");
        }
        else
        {
            var found = await probe.RunAsync(stoppingToken);
            if (found.Supported is { } supported)
            {
                info = info with { NativeSidecarsProbed = supported };
                (decidedBy, reason) = (SidecarDecisions.Probe, found.Reason);
            }
            else
            {
                Log.ProbeFailed(logger, found.Reason);
                (decidedBy, reason) = (SidecarDecisions.Version, $"API server {info.ServerVersion?.ToString() ?? "unknown"}, native from {ClusterInfo.NativeSidecarVersion}; the probe failed: {found.Reason}");
            }
        }

        var native = injector.UseNativeSidecar(info);
        metrics.SetNativeSidecars(decidedBy, native);
        Log.Sidecars(logger, native ? SidecarDecisions.Native : SidecarDecisions.Classic, decidedBy, reason);
        return info;
    }

    /// <summary>How <see cref="DecideSidecarsAsync"/> names its outcome in the log and the metric label.</summary>
    private static class SidecarDecisions
    {
        public const string Configuration = "configuration";
        public const string Probe = "probe";
        public const string Version = "version";
        public const string Native = "native";
        public const string Classic = "classic";
    }

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Information, "API server is {GitVersion} (version {Version})")]
        public static partial void Version(ILogger logger, string? gitVersion, string version);

        [LoggerMessage(301, LogLevel.Warning, "Cannot read the API server version; retrying in {Backoff}")]
        public static partial void VersionFailed(ILogger logger, TimeSpan backoff, Exception exception);

        [LoggerMessage(302, LogLevel.Information, "Sidecars are {SidecarKind}, decided by {DecidedBy}: {Reason}")]
        public static partial void Sidecars(ILogger logger, string sidecarKind, string decidedBy, string reason);

        [LoggerMessage(303, LogLevel.Warning, "Cannot probe the API server for native sidecars, so the server version decides: {Reason}")]
        public static partial void ProbeFailed(ILogger logger, string reason);
    }
}
