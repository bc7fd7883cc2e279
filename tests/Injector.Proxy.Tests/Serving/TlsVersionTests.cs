using System.Security.Authentication;
using Injector.Proxy.Tests.Support;
using Injector.Proxy.Serving;
using Injector.Testing;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Tests.Serving;

public sealed class TlsVersionTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    public TlsVersionTests() => _secret.WriteServer(_pki.Server());

    [Theory]
    [InlineData(SslProtocols.Tls12, "1.2")]
    [InlineData(SslProtocols.Tls13, "1.3")]
    public async Task Forwards_OverEachAllowedVersion(SslProtocols protocol, string expected)
    {
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));

        await using var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca, protocols: protocol));

        Assert.Equal(protocol, tls.SslProtocol);
        Assert.Equal("hello", await ProxyHarness.EchoAsync(tls, "hello"));
        tls.Close();
        var closed = await proxy.Log.WaitForAsync("connection_closed", e => e.TryGetProperty("TlsVersion", out _));
        Assert.Equal(expected, closed.GetProperty("TlsVersion").GetString());
        Assert.Equal("-", closed.GetProperty("ClientIdentity").GetString());
    }

    [Fact]
    public async Task Refuses_Tls12_WhenMinimumIs13()
    {
        await using var app = new EchoApp();
        var env = ProxyHarness.Environment(app.Port, _secret.Directory);
        env[ProxyEnvironment.MinTlsVersion] = "1.3";
        await using var proxy = ProxyHarness.Start(env);

        await Assert.ThrowsAnyAsync<Exception>(() => proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca, protocols: SslProtocols.Tls12)));
        await using var ok = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca, protocols: SslProtocols.Tls13));
        Assert.Equal("still serving 1.3", await ProxyHarness.EchoAsync(ok, "still serving 1.3"));

        var failure = await proxy.Log.WaitForAsync("handshake_failed");
        Assert.Equal("protocol_version", failure.GetProperty("Reason").GetString());
        Assert.Equal(1, proxy.Host.Metrics.HandshakeFailures(HandshakeFailureReason.ProtocolVersion));
        Assert.Equal(1, app.Accepted); // only the TLS 1.3 client reached the app
    }

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }
}
