using System.Diagnostics;
using Injector.Proxy.Hosting;
using Injector.Proxy.Lifecycle;
using Injector.Proxy.Tests.Support;
using Injector.Testing;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Tests.Lifecycle;

/// <summary>The host with <c>TLS_PROXY_APP_CONTAINERS</c>: a real child process plays the app container.</summary>
public sealed class ProxyHostAppExitTests : IDisposable
{
    private static readonly AppExitWatcherOptions Fast = new() { PollInterval = TimeSpan.FromMilliseconds(20), Grace = TimeSpan.FromMilliseconds(200) };
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    public ProxyHostAppExitTests() => _secret.WriteServer(_pki.Server());

    [Fact]
    public async Task AppExit_AsksTheHostToStop()
    {
        await using var app = new EchoApp();
        using var appProcess = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var env = ProxyHarness.Environment(app.Port, _secret.Directory);
        env[ProxyEnvironment.AppContainers] = "1";
        await using var proxy = ProxyHarness.Start(env, new ProxyHostOptions
        {
            AppExit = Fast,
            AppProcesses = new ProcessCensus(ProcessCensus.DefaultProcRoot, p => p.Pid == appProcess.Id ? "app" : null),
        });

        await proxy.Log.WaitForAsync("app_seen");
        await Task.Delay(Fast.Grace * 2);
        Assert.False(proxy.Host.StopRequested.IsCompleted);
        appProcess.Kill();
        var reason = await proxy.Host.StopRequested.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(appProcess.HasExited);
        Assert.Equal(ProxyHost.StopReasons.AppExited, reason);
        var exited = await proxy.Log.WaitForAsync("app_exited");
        Assert.Equal(1, exited.GetProperty("ContainersSeen").GetInt32());
    }

    [Fact]
    public async Task WithoutAppContainers_NothingIsWatched()
    {
        await using var app = new EchoApp();
        using var appProcess = Process.Start(new ProcessStartInfo("sleep", "0.1") { UseShellExecute = false })!;
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory), new ProxyHostOptions
        {
            AppExit = Fast,
            AppProcesses = new ProcessCensus(ProcessCensus.DefaultProcRoot, p => p.Pid == appProcess.Id ? "app" : null),
        });

        await appProcess.WaitForExitAsync();
        await Task.Delay(Fast.Grace * 3);

        Assert.False(proxy.Host.StopRequested.IsCompleted);
        Assert.Empty(proxy.Log.OfEvent("app_exit_watch"));
    }

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }
}
