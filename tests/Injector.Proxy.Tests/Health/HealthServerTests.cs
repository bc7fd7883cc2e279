using System.Text.Json;
using Injector.Proxy.Metrics;
using Injector.Proxy.Tests.Support;
using Injector.Testing;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Tests.Health;

/// <summary>The health port end to end: the proxy's own endpoints and kubelet probes forwarded to a real HTTP app.</summary>
public sealed class HealthServerTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    public HealthServerTests() => _secret.WriteServer(_pki.Server());

    [Fact]
    public async Task OwnEndpoints_Answer()
    {
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));

        Assert.Equal((200, "ok\n"), await proxy.GetHealthAsync("/healthz"));
        Assert.Equal((200, "started\n"), await proxy.GetHealthAsync("/started"));
        Assert.Equal((200, "ready\n"), await proxy.GetHealthAsync("/readyz"));
        Assert.Equal(404, (await proxy.GetHealthAsync("/nope")).Status);
        Assert.Equal(404, (await proxy.GetHealthAsync("/app-health/app/livez")).Status);
    }

    [Fact]
    public async Task Metrics_ListEverySeries()
    {
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        await using (var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca)))
        {
            await ProxyHarness.EchoAsync(tls, "12345");
        }

        await proxy.Log.WaitForAsync("connection_closed", e => e.TryGetProperty("Outcome", out _));
        var (status, body) = await proxy.GetHealthAsync("/metrics");

        Assert.Equal(200, status);
        foreach (var line in new[]
        {
            "tls_proxy_connections_total{port=\"8443\"} 1",
            "tls_proxy_connections_active 0",
            "tls_proxy_handshakes_total{port=\"8443\"} 1",
            "tls_proxy_handshake_failures_total{reason=\"client_not_allowed\"} 0",
            "tls_proxy_bytes_total{direction=\"client_to_app\"} 5",
            "tls_proxy_bytes_total{direction=\"app_to_client\"} 5",
            "tls_proxy_forwarded_connections_total{outcome=\"completed\"} 1",
            "tls_proxy_certificate_reloads_total{result=\"success\"} 1",
            "tls_proxy_ready 1",
            $"tls_proxy_build_info{{version=\"{ProxyMetrics.Version}\",revision=\"{ProxyMetrics.Revision}\"}} 1",
        })
        {
            Assert.Contains(line + "\n", body, StringComparison.Ordinal);
        }

        Assert.Contains("# TYPE tls_proxy_certificate_expiry_timestamp_seconds gauge", body, StringComparison.Ordinal);
        Assert.Matches(@"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$", ProxyMetrics.Version);
        Assert.Matches("^[0-9a-f]{40}$", ProxyMetrics.Revision);
        var starting = await proxy.Log.WaitForAsync("starting");
        Assert.Equal(ProxyMetrics.Version, starting.GetProperty("Version").GetString());
    }

    [Fact]
    public async Task Metrics_AreOffUnlessEnabled()
    {
        await using var app = new EchoApp();
        var env = ProxyHarness.Environment(app.Port, _secret.Directory);
        env.Remove(ProxyEnvironment.Metrics);
        await using var proxy = ProxyHarness.Start(env);

        Assert.Equal(404, (await proxy.GetHealthAsync("/metrics")).Status);
    }

    [Fact]
    public async Task AppProbes_AreForwardedToTheApp()
    {
        using var http = new TestHttpApp();
        await using var tcp = new EchoApp();
        var closedPort = EchoApp.UnusedPort();
        var probes = new Dictionary<string, AppProbe>
        {
            ["/app-health/app/livez"] = new() { Port = http.Port, Path = "/healthz", Headers = [new("X-Probe", "live")] },
            ["/app-health/app/readyz"] = new() { Port = http.Port, Path = "/ready?deep=1" },
            ["/app-health/app/startupz"] = new() { Port = tcp.Port },
            ["/app-health/down/livez"] = new() { Port = closedPort, Path = "/" },
            ["/app-health/down/readyz"] = new() { Port = closedPort },
        };
        var env = ProxyHarness.Environment(http.Port, _secret.Directory);
        env[ProxyEnvironment.AppProbes] = JsonSerializer.Serialize(probes, AppProbeJsonContext.Default.DictionaryStringAppProbe);
        await using var proxy = ProxyHarness.Start(env);

        Assert.Equal(200, (await ProxyHarness.HttpGetAsync(proxy.Host.HealthEndPoint, "/app-health/app/livez", "User-Agent: kube-probe/1.34\r\n")).Status);
        var live = Assert.Single(http.Requests, r => r.Path == "/healthz");
        Assert.Equal("live", live.Headers["X-Probe"]);
        Assert.Equal("kube-probe/1.34", live.Headers["User-Agent"]);

        http.ReadyStatus = 503;
        Assert.Equal(503, (await proxy.GetHealthAsync("/app-health/app/readyz")).Status);
        http.ReadyStatus = 204;
        Assert.Equal(204, (await proxy.GetHealthAsync("/app-health/app/readyz")).Status);
        Assert.Contains(http.Requests, r => r.Path == "/ready" && r.Query == "?deep=1");

        Assert.Equal(200, (await proxy.GetHealthAsync("/app-health/app/startupz")).Status);
        Assert.Equal(503, (await proxy.GetHealthAsync("/app-health/down/livez")).Status);
        Assert.Equal(503, (await proxy.GetHealthAsync("/app-health/down/readyz")).Status);
        await proxy.Log.WaitForAsync("app_probe_failed", e => e.GetProperty("Probe").GetString() == "/app-health/down/livez");
    }

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }
}
