using System.Diagnostics;
using Injector.Proxy.Lifecycle;

namespace Injector.Proxy.Tests.Lifecycle;

/// <summary>The watcher over the real <c>/proc</c>, pointed at real child processes of the test: each is one "container".</summary>
public sealed class AppExitWatcherTests
{
    private static readonly AppExitWatcherOptions Fast = new() { PollInterval = TimeSpan.FromMilliseconds(20), Grace = TimeSpan.FromMilliseconds(300) };

    [Fact]
    public async Task Fires_OnlyAfterEveryWatchedProcessHasExited()
    {
        using var first = Sleep(60);
        using var second = Sleep(60);
        var census = Watch((first.Id, "a"), (second.Id, "b"));
        var fired = new TaskCompletionSource<(AppExitWatcher.Departure Departure, bool SecondHadExited)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new Signal();
        var watcher = new AppExitWatcher(census, expectedContainers: 2, Fast, d => fired.TrySetResult((d, second.HasExited)), seen.Set, Fail);
        using var stop = new CancellationTokenSource();
        watcher.Start(stop.Token);
        await seen.WaitForAsync(2);

        await Exit(first);
        await Task.Delay(Fast.Grace * 2);
        Assert.False(fired.Task.IsCompleted, "fired while a watched process still ran");
        await Exit(second);
        var (departure, secondHadExited) = await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(secondHadExited);
        Assert.Equal(2, departure.ContainersSeen);
        Assert.Equal(1, departure.Departures);
        Assert.True(departure.Waited >= Fast.Grace, $"fired after {departure.Waited}, before the grace of {Fast.Grace}");
        await stop.CancelAsync();
        await watcher.StopAsync();
    }

    [Fact]
    public async Task NeverFires_BeforeEveryExpectedContainerWasSeen()
    {
        using var app = Sleep(0.1);
        await app.WaitForExitAsync();
        var census = Watch((app.Id, "a"));
        var fired = false;
        var watcher = new AppExitWatcher(census, expectedContainers: 1, Fast, _ => fired = true, _ => { }, Fail);
        using var stop = new CancellationTokenSource();

        // The app is gone before the watcher first looks, as an app container still pulling its image is not there yet.
        watcher.Start(stop.Token);
        await Task.Delay(Fast.Grace * 3);

        Assert.False(fired);
        await stop.CancelAsync();
        await watcher.StopAsync();
    }

    [Fact]
    public async Task WaitsOutTheKubeletBackOff_AfterTheAppCameBack()
    {
        // Two runs of one container, as the kubelet restarts a failed app under restartPolicy OnFailure; each run has
        // a cgroup of its own, as a restarted container does.
        using var first = Sleep(60);
        Process? second = null;
        var census = new ProcessCensus(ProcessCensus.DefaultProcRoot, p => p.Pid == first.Id ? "run-1" : p.Pid == second?.Id ? "run-2" : null);
        var fired = new TaskCompletionSource<AppExitWatcher.Departure>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new Signal();

        // The kubelet's back-off, scaled down to keep the test short: nothing for the first exit, 1.5 s after.
        var options = Fast with { Grace = TimeSpan.FromSeconds(3), RestartBackOff = n => n <= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(1.5) };
        var watcher = new AppExitWatcher(census, expectedContainers: 1, options, d => fired.TrySetResult(d), seen.Set, Fail);
        using var stop = new CancellationTokenSource();
        watcher.Start(stop.Token);
        await seen.WaitForAsync(1);

        // A restart takes the kubelet a second or more; the watcher must get a look at the moment with no app.
        await Exit(first);
        await Task.Delay(500);
        second = Sleep(60);
        await seen.WaitForAsync(2);
        await Exit(second);
        var departure = await fired.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, departure.Departures);
        Assert.True(departure.Waited >= options.Grace + options.RestartBackOff(2), $"the second departure waited only {departure.Waited}");
        second.Dispose();
        await stop.CancelAsync();
        await watcher.StopAsync();
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 10 + 15)]
    [InlineData(3, 20 + 15)]
    [InlineData(6, 160 + 15)]
    [InlineData(7, 300 + 15)]
    [InlineData(30, 300 + 15)]
    public void KubeletBackOff_DoublesFromTenSecondsToFiveMinutes_PlusThePodWorkersRetry(int departure, int seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), AppExitWatcher.KubeletBackOff(departure));

    [Fact]
    public async Task ReportsAFailure_AndNeverFires_WhenTheProcFileSystemIsGone()
    {
        var census = new ProcessCensus(Path.Combine(Path.GetTempPath(), "no-proc-" + Guid.NewGuid().ToString("N")), _ => "app");
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fired = false;
        var watcher = new AppExitWatcher(census, expectedContainers: 1, Fast, _ => fired = true, _ => { }, ex => failed.TrySetResult(ex));

        watcher.Start(CancellationToken.None);

        Assert.IsType<DirectoryNotFoundException>(await failed.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        await watcher.StopAsync();
        Assert.False(fired);
    }

    private static void Fail(Exception ex) => Assert.Fail($"the watcher failed: {ex}");

    private static async Task Exit(Process process)
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    private static ProcessCensus Watch(params (int Pid, string Container)[] processes)
        => new(ProcessCensus.DefaultProcRoot, p => processes.FirstOrDefault(w => w.Pid == p.Pid).Container);

    /// <summary>The count the watcher last reported through its <c>onAppSeen</c> callback, awaitable.</summary>
    private sealed class Signal
    {
        private int _count;

        public void Set(int count) => Volatile.Write(ref _count, count);

        public async Task WaitForAsync(int count)
        {
            var deadline = Environment.TickCount64 + 10_000;
            while (Volatile.Read(ref _count) < count)
            {
                Assert.True(Environment.TickCount64 < deadline, $"the watcher saw {_count} of {count} containers");
                await Task.Delay(10);
            }
        }
    }

    private static Process Sleep(double seconds)
    {
        var start = new ProcessStartInfo("sleep", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)) { UseShellExecute = false };
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start sleep");
    }
}
