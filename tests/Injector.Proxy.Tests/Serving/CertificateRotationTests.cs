using System.Security.Cryptography.X509Certificates;
using Injector.Proxy.Tests.Support;
using Injector.Testing;

namespace Injector.Proxy.Tests.Serving;

/// <summary>
/// Hot reload through a real <c>..data</c> symlink swap (see <see cref="SecretVolume"/> for the tree). The store
/// polls every second here; waits are several times longer.
/// </summary>
public sealed class CertificateRotationTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    [Fact]
    public async Task ServesNewCertificate_AfterSymlinkSwap_AndKeepsInFlightConnection()
    {
        var first = _pki.Server("first.demo.svc");
        var second = _pki.Server("second.demo.svc");
        _secret.WriteServer(first);
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));

        X509Certificate2? seenBefore = null;
        await using var inFlight = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca, onServerCertificate: c => seenBefore = c));
        Assert.Equal("before", await ProxyHarness.EchoAsync(inFlight, "before"));

        _secret.WriteServer(second);
        await proxy.Log.WaitForAsync("certificate_loaded", e => e.GetProperty("Subject").GetString() == "CN=second.demo.svc");

        X509Certificate2? seenAfter = null;
        await using var fresh = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca, onServerCertificate: c => seenAfter = c));
        Assert.Equal("after", await ProxyHarness.EchoAsync(fresh, "after"));

        Assert.Equal(first.Thumbprint, seenBefore!.Thumbprint);
        Assert.Equal(second.Thumbprint, seenAfter!.Thumbprint);
        // The connection opened before the swap still carries traffic, in both directions.
        Assert.Equal("still here", await ProxyHarness.EchoAsync(inFlight, "still here"));
        Assert.Equal(2, proxy.Host.Metrics.ReloadSuccesses);
    }

    [Fact]
    public async Task RotatesMidTraffic_WithoutBreakingAStream()
    {
        _secret.WriteServer(_pki.Server("first.demo.svc"));
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        await using var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca));

        var chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk);
        var back = new byte[chunk.Length];
        var rotated = false;
        for (var i = 0; i < 40; i++)
        {
            if (i == 10)
            {
                _secret.WriteServer(_pki.Server("second.demo.svc"));
            }

            await tls.WriteAsync(chunk);
            await tls.ReadExactlyAsync(back);
            Assert.Equal(chunk, back);
            rotated |= proxy.Host.Store.Current!.Subject == "CN=second.demo.svc";
            await Task.Delay(rotated ? 0 : 100);
        }

        Assert.True(rotated, "the certificate was not reloaded while the stream ran");
    }

    [Fact]
    public async Task KeepsOldCertificate_WhenNewOneIsBad_AndLogsWhy()
    {
        var good = _pki.Server("good.demo.svc");
        _secret.WriteServer(good);
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));

        // A renewal whose key belongs to another certificate.
        using var other = _pki.Server("other.demo.svc");
        _secret.Write(Injector.Tls.Certificates.CertificateGenerator.ToCertificatePem(_pki.Server("bad.demo.svc")),
                      Injector.Tls.Certificates.CertificateGenerator.ToPrivateKeyPem(other), null);

        var failure = await proxy.Log.WaitForAsync("certificate_reload_failed");
        Assert.Contains("does not match", failure.GetProperty("Reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("CN=good.demo.svc", failure.GetProperty("KeptSubject").GetString());
        Assert.Equal("Error", failure.GetProperty("@l").GetString());

        X509Certificate2? seen = null;
        await using var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca, onServerCertificate: c => seen = c));
        Assert.Equal(good.Thumbprint, seen!.Thumbprint);

        // Polled again and again, the same bad files count once.
        await Task.Delay(2500);
        Assert.Equal(1, proxy.Host.Metrics.ReloadFailures);
        var (_, metrics) = await proxy.GetHealthAsync("/metrics");
        Assert.Contains("tls_proxy_certificate_reloads_total{result=\"failure\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("tls_proxy_certificate_reloads_total{result=\"success\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"tls_proxy_certificate_expiry_timestamp_seconds {new DateTimeOffset(good.NotAfter).ToUnixTimeSeconds()}", metrics, StringComparison.Ordinal);
        Assert.Equal(200, (await proxy.GetHealthAsync("/readyz")).Status);
    }

    [Fact]
    public async Task NotReady_WhileNoValidCertificate_ThenReady_OnceFixed()
    {
        _secret.WriteServer(_pki.Server("expired.demo.svc", notAfter: DateTimeOffset.UtcNow.AddMinutes(-1), notBefore: DateTimeOffset.UtcNow.AddDays(-1)));
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));

        var (status, body) = await proxy.GetHealthAsync("/readyz");
        Assert.Equal(503, status);
        Assert.Contains("expired", body, StringComparison.Ordinal);

        _secret.WriteServer(_pki.Server("renewed.demo.svc"));
        await proxy.Log.WaitForAsync("certificate_loaded", e => e.GetProperty("Subject").GetString() == "CN=renewed.demo.svc");
        Assert.Equal(200, (await proxy.GetHealthAsync("/readyz")).Status);
    }

    [Fact]
    public async Task StartsWithoutCertificate_NotStarted_HandshakesFail_UntilSecretAppears()
    {
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));

        Assert.Equal(503, (await proxy.GetHealthAsync("/started")).Status);
        Assert.Equal(503, (await proxy.GetHealthAsync("/readyz")).Status);
        await Assert.ThrowsAnyAsync<Exception>(() => proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca)));
        var failure = await proxy.Log.WaitForAsync("handshake_failed");
        Assert.Equal("no_server_certificate", failure.GetProperty("Reason").GetString());

        _secret.WriteServer(_pki.Server());
        await proxy.Log.WaitForAsync("certificate_loaded");
        Assert.Equal(200, (await proxy.GetHealthAsync("/started")).Status);
        await using var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca));
        Assert.Equal("ok", await ProxyHarness.EchoAsync(tls, "ok"));
    }

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }
}
