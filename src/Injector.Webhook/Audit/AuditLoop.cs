using Injector.Core.Audit;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Audit;

/// <summary>
/// The optional in-cluster audit (<see cref="AuditOptions"/>): every replica stands for election on the Lease, and
/// only the one holding it runs <see cref="AuditCycle"/> every interval, so Events are not written once per
/// replica. Off by default; when off it does nothing at all (no Lease, no list).
/// </summary>
internal sealed partial class AuditLoop(
    IKubernetes client,
    AuditCycle cycle,
    IOptions<WebhookOptions> options,
    IConfiguration configuration,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger<AuditLoop> logger) : BackgroundService
{
    private volatile bool _leading;
    private volatile AuditSummary _last = AuditSummary.Empty;
    private string? _identity;

    /// <summary>True while this replica holds the Lease.</summary>
    public bool IsLeader => _leading;

    /// <summary>This replica's name in the Lease; null until the loop started.</summary>
    public string? Identity => _identity;

    /// <summary>The last audit's result (empty before the first one).</summary>
    public AuditSummary Last => _last;

    private int _completed;

    /// <summary>How many audits completed since start.</summary>
    public int Completed => Volatile.Read(ref _completed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Audit;
        if (!o.Enabled)
        {
            return;
        }

        _identity = o.Identity ?? $"{configuration["POD_NAME"] ?? Environment.MachineName}_{Guid.NewGuid():N}"[..^24];
        var problems = Enum.GetValues<AuditProblem>().ToDictionary(AuditNames.GaugeLabel);
        metrics.ObserveAudit(() => _leading, [.. problems.Keys], reason => _last[problems[reason]]);

        var config = new LeaderElectionConfig(new LeaseLock(client, o.Namespace, o.LeaseName, _identity))
        {
            LeaseDuration = o.LeaseDuration,
            RenewDeadline = o.RenewDeadline,
            RetryPeriod = o.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        CancellationTokenSource? leadership = null;
        Task running = Task.CompletedTask;
        elector.OnStartedLeading += () =>
        {
            Log.Leading(logger, _identity, o.Namespace ?? string.Empty, o.LeaseName);
            leadership?.Dispose();
            leadership = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _leading = true;
            running = LeadAsync(_identity, o.Interval, leadership.Token);
        };
        elector.OnStoppedLeading += () =>
        {
            _leading = false;
            leadership?.Cancel();
            Log.StoppedLeading(logger, _identity);
        };
        elector.OnNewLeader += leader => Log.NewLeader(logger, leader);
        elector.OnError += ex => Log.ElectionError(logger, ex.Message);

        try
        {
            await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the Lease is left to expire; the next leader waits at most LeaseDuration.
        }
        finally
        {
            _leading = false;
            leadership?.Cancel();
            await running;
            leadership?.Dispose();
        }
    }

    /// <summary>Audits now, then every <paramref name="interval"/> after the previous audit ended, until the lead is lost.</summary>
    private async Task LeadAsync(string identity, TimeSpan interval, CancellationToken cancellationToken)
    {
        // Off the elector's thread: its renew loop must not wait for a cluster-wide list.
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            await RunOnceAsync(identity, cancellationToken);
            try
            {
                await Task.Delay(interval, timeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One audit; a failure is logged and retried at the next interval, never thrown.</summary>
    internal async Task RunOnceAsync(string identity, CancellationToken cancellationToken)
    {
        try
        {
            _last = await cycle.RunAsync(identity, cancellationToken);
            Interlocked.Increment(ref _completed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            metrics.RecordError("audit", ex.GetType().Name);
            Log.CycleFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(710, LogLevel.Information, "Audit: {Identity} leads (Lease {LeaseNamespace}/{LeaseName}); auditing pods")]
        public static partial void Leading(ILogger logger, string identity, string leaseNamespace, string leaseName);

        [LoggerMessage(711, LogLevel.Information, "Audit: {Identity} stopped leading")]
        public static partial void StoppedLeading(ILogger logger, string identity);

        [LoggerMessage(712, LogLevel.Information, "Audit: the leader is {Leader}")]
        public static partial void NewLeader(ILogger logger, string leader);

        [LoggerMessage(713, LogLevel.Warning, "Audit: leader election error: {Error}")]
        public static partial void ElectionError(ILogger logger, string error);

        [LoggerMessage(714, LogLevel.Warning, "Audit failed; retrying at the next interval")]
        public static partial void CycleFailed(ILogger logger, Exception exception);
    }
}
