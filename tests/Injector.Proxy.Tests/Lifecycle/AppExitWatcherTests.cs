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
        using var shorter = Sleep(0.5);
        using var longer = Sleep(1.5);
        var census = Watch((shorter.Id, "a"), (longer.Id, "b"));
        var fired = new TaskCompletionSource<(AppExitWatcher.Departure Departure, bool LongerHadExited)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<int>();
        var watcher = new AppExitWatcher(census, expectedContainers: 2, Fast, d => fired.TrySetResult((d, longer.HasExited)), seen.Add, Fail);
        using var stop = new CancellationTokenSource();

        watcher.Start(stop.Token);
        var (departure, longerHadExited) = await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(longerHadExited, "fired while a watched process still ran");
        Assert.Equal([1, 2], seen);
        Assert.Equal(2, departure.ContainersSeen);
        Assert.Equal(1, departure.Departures);
        Assert.True(departure.Waited >= Fast.Grace, $"fired after {departure.Waited}, before the grace of {Fast.Grace}");
        await stop.CancelAsync();
        await watcher.StopAsync();
    }

    [Fact]
    public async Task NeverFires_BeforeEveryExpectedContainerWasSeen()
    {
        using var app = Sleep(0.2);
        await app.WaitForExitAsync();
        var census = Watch((app.Id, "a"), (int.MaxValue, "never-started"));
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
        // Two runs of one container, as the kubelet restarts a failed app under restartPolicy OnFailure.
        using var first = Sleep(0.3);
        Process? second = null;
        var census = new ProcessCensus(ProcessCensus.DefaultProcRoot, p => p.Pid == first.Id || p.Pid == second?.Id ? "app" : null);
        var fired = new TaskCompletionSource<AppExitWatcher.Departure>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The kubelet's back-off, scaled down to keep the test short: nothing for the first exit, 1.5 s after.
        var options = Fast with { Grace = TimeSpan.FromSeconds(1), RestartBackOff = n => n <= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(1.5) };
        var watcher = new AppExitWatcher(census, expectedContainers: 1, options, d => fired.TrySetResult(d), _ => { }, Fail);
        using var stop = new CancellationTokenSource();
        watcher.Start(stop.Token);

        await first.WaitForExitAsync();
        await Task.Delay(300);
        second = Sleep(0.3);
        await second.WaitForExitAsync();
        var restartedExit = Environment.TickCount64;
        var departure = await fired.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, departure.Departures);
        Assert.True(Environment.TickCount64 - restartedExit >= (options.Grace + options.RestartBackOff(2)).TotalMilliseconds - 100);
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

    private static ProcessCensus Watch(params (int Pid, string Container)[] processes)
        => new(ProcessCensus.DefaultProcRoot, p => processes.FirstOrDefault(w => w.Pid == p.Pid).Container);

    private static Process Sleep(double seconds)
    {
        var start = new ProcessStartInfo("sleep", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)) { UseShellExecute = false };
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start sleep");
    }
}
