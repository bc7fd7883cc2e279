using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Injector.Proxy.Hosting;
using Injector.Proxy.Tests.Support;
using Injector.Testing;

namespace Injector.Proxy.Tests.Health;

/// <summary><c>POST /quitquitquit</c> on the health port: from inside the pod (loopback) it stops the proxy; from elsewhere it does not.</summary>
public sealed class QuitQuitQuitTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    public QuitQuitQuitTests() => _secret.WriteServer(_pki.Server());

    [Fact]
    public async Task Post_FromLoopback_AsksTheHostToStop()
    {
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));

        var answer = await ProxyHarness.HttpRequestAsync(proxy.Host.HealthEndPoint, "POST", "/quitquitquit");

        Assert.Equal((200, "draining\n"), answer);
        Assert.Equal(ProxyHost.StopReasons.QuitQuitQuit, await proxy.Host.StopRequested.WaitAsync(TimeSpan.FromSeconds(5)));
        var logged = await proxy.Log.WaitForAsync("stop_requested");
        Assert.Equal("quitquitquit", logged.GetProperty("Reason").GetString());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("PUT")]
    public async Task OtherMethods_AreRefused_AndTheProxyRuns(string method)
    {
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));

        var (status, _) = await ProxyHarness.HttpRequestAsync(proxy.Host.HealthEndPoint, method, "/quitquitquit");

        Assert.Equal(405, status);
        Assert.False(proxy.Host.StopRequested.IsCompleted);
        Assert.Equal(200, (await proxy.GetHealthAsync("/readyz")).Status);
    }

    [NonLoopbackFact]
    public async Task Post_FromAnotherAddress_IsRefused_AndTheProxyRuns()
    {
        var address = NonLoopbackFactAttribute.LocalAddress!;
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory), new ProxyHostOptions { ListenAddress = IPAddress.Any });

        // The connection comes from the host's own non-loopback address, as another pod's would come from its pod IP.
        var (status, body) = await ProxyHarness.HttpRequestAsync(new IPEndPoint(address, proxy.Host.HealthEndPoint.Port), "POST", "/quitquitquit");

        Assert.Equal(403, status);
        Assert.Contains("127.0.0.1", body, StringComparison.Ordinal);
        var refused = await proxy.Log.WaitForAsync("quit_refused");
        Assert.Equal(address.ToString(), refused.GetProperty("ClientAddress").GetString());
        Assert.False(proxy.Host.StopRequested.IsCompleted);
        Assert.Equal((200, "ok\n"), await ProxyHarness.HttpGetAsync(new IPEndPoint(address, proxy.Host.HealthEndPoint.Port), "/healthz"));
    }

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }

    /// <summary>Needs an IPv4 address of this machine that is not loopback; skipped with the reason otherwise.</summary>
    private sealed class NonLoopbackFactAttribute : FactAttribute
    {
        public static readonly IPAddress? LocalAddress = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

        public NonLoopbackFactAttribute()
        {
            if (LocalAddress is null)
            {
                Skip = "This machine has no non-loopback IPv4 address to connect from.";
            }
        }
    }
}
