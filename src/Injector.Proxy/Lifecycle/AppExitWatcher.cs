namespace Injector.Proxy.Lifecycle;

/// <summary>
/// Ends the proxy of a run-to-completion pod in classic mode when the app has gone: once it has seen processes of
/// <c>expectedContainers</c> app containers and none is left for the grace period, it calls <c>onAppExited</c>.
/// It never fires before the app started (an app container may still be pulling its image). When the kubelet may
/// restart a failed app (<c>restartPolicy: OnFailure</c>), each further departure waits out the kubelet's restart
/// back-off as well, so a retry still finds its proxy.
/// </summary>
internal sealed class AppExitWatcher(
    ProcessCensus census,
    int expectedContainers,
    AppExitWatcherOptions options,
    Action<AppExitWatcher.Departure> onAppExited,
    Action<int> onAppSeen,
    Action<Exception> onFailed)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private Task _loop = Task.CompletedTask;

    /// <summary>How the watcher decided: how many containers it saw and how often all their processes were gone.</summary>
    internal readonly record struct Departure(int ContainersSeen, int Departures, TimeSpan Waited);

    public void Start(CancellationToken stop) => _loop = RunAsync(stop);

    public Task StopAsync() => _loop;

    /// <summary>
    /// How long after the <paramref name="departure"/>-th exit the kubelet may restart the app: the first restart is
    /// immediate; later ones wait the back-off (10 s doubling to 5 min: kubelet <c>backOffPeriod</c>,
    /// <c>MaxContainerBackOff</c>), and a pod worker whose sync failed on it looks again only 10-15 s later
    /// (<c>wait.Jitter(backOffPeriod, workerBackOffPeriodJitterFactor = 0.5)</c>), so up to 15 s more.
    /// </summary>
    public static TimeSpan KubeletBackOff(int departure)
        => departure <= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(10 * Math.Pow(2, departure - 2), 300) + 15);

    private async Task RunAsync(CancellationToken stop)
    {
        var departures = 0;
        long? goneSince = null;
        using var timer = new PeriodicTimer(options.PollInterval, options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var alive = census.Snapshot();
                foreach (var (_, container) in alive)
                {
                    if (_seen.Add(container))
                    {
                        onAppSeen(_seen.Count);
                    }
                }

                if (alive.Count > 0 || _seen.Count < expectedContainers)
                {
                    goneSince = null;
                    continue;
                }

                if (goneSince is null)
                {
                    goneSince = options.TimeProvider.GetTimestamp();
                    departures++;
                }

                var waited = options.TimeProvider.GetElapsedTime(goneSince.Value);
                if (waited >= options.Grace + options.RestartBackOff(departures))
                {
                    onAppExited(new Departure(_seen.Count, departures, waited));
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No /proc to read: staying is safe, leaving could cut the app off.
            onFailed(ex);
        }
    }
}
