using System.Net.Security;
using System.Security.Authentication;
using Injector.Proxy.Tests.Support;
using Injector.Proxy.Serving;
using Injector.Testing;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Tests.Serving;

public sealed class MutualTlsTests : IDisposable
{
    private const string Spiffe = "spiffe://cluster.local/ns/shop/sa/frontend";
    private readonly TestPki _pki = new("client CA");
    private readonly TestPki _serverPki = new("server CA");
    private readonly SecretVolume _server = new();
    private readonly SecretVolume _clientCa = new();

    public MutualTlsTests()
    {
        _server.WriteServer(_serverPki.Server());
        _clientCa.WriteCa(_pki.Ca);
    }

    public static TheoryData<string, string, string[], string[], bool> AllowListCases => new()
    {
        // allowed-clients, client CN, DNS SANs, URI SANs, accepted?
        { "cn:frontend", "frontend", [], [], true },
        { "cn:frontend", "backend", [], [], false },
        { "dns:frontend.shop.svc", "x", ["frontend.shop.svc"], [], true },
        { "dns:FRONTEND.shop.svc", "x", ["frontend.shop.svc"], [], true },
        { "dns:frontend.shop.svc", "frontend.shop.svc", ["other.shop.svc"], [], false },
        { "uri:" + Spiffe, "x", [], [Spiffe], true },
        { "uri:" + Spiffe, "x", [], ["spiffe://cluster.local/ns/shop/sa/intruder"], false },
        { "cn:nobody, uri:" + Spiffe, "x", [], [Spiffe], true },
    };

    [Theory]
    [MemberData(nameof(AllowListCases))]
    public async Task Required_ChecksAllowedClients(string allowed, string cn, string[] dns, string[] uris, bool accepted)
    {
        await using var app = new EchoApp();
        await using var proxy = Start(app, "required", allowed);
        using var client = _pki.Client(cn, dns, uris);

        var ok = await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca, client, SslProtocols.Tls13));

        Assert.Equal(accepted, ok);
        if (accepted)
        {
            var closed = await proxy.Log.WaitForAsync("connection_closed", e => e.TryGetProperty("ClientIdentity", out _));
            Assert.Contains(uris.Length > 0 ? "uri=" + uris[0] : "cn=" + cn, closed.GetProperty("ClientIdentity").GetString(), StringComparison.Ordinal);
        }
        else
        {
            var failure = await proxy.Log.WaitForAsync("handshake_failed");
            Assert.Equal("client_not_allowed", failure.GetProperty("Reason").GetString());
            Assert.Equal(1, proxy.Host.Metrics.HandshakeFailures(HandshakeFailureReason.ClientNotAllowed));
        }
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Required_RefusesClientWithoutCertificate(SslProtocols protocol)
    {
        await using var app = new EchoApp();
        await using var proxy = Start(app, "required");

        Assert.False(await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca, protocols: protocol)));
        var failure = await proxy.Log.WaitForAsync("handshake_failed");
        Assert.Equal("client_certificate_missing", failure.GetProperty("Reason").GetString());
    }

    [Fact]
    public async Task Optional_AllowsClientWithoutCertificate_AndVerifiesOneThatIsSent()
    {
        await using var app = new EchoApp();
        await using var proxy = Start(app, "optional");
        using var good = _pki.Client("frontend");
        using var stranger = new TestPki("stranger CA");
        using var bad = stranger.Client("frontend");

        Assert.True(await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca)));
        Assert.True(await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca, good)));
        Assert.False(await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca, bad)));

        // The proxy logs a connection when it has seen it close, which may be after the client's echo returned.
        foreach (var identity in new[] { "-", "cn=frontend" })
        {
            await proxy.Log.WaitForAsync("connection_closed", e => e.GetProperty("ClientIdentity").GetString() == identity);
        }

        var identities = proxy.Log.OfEvent("connection_closed").Select(e => e.GetProperty("ClientIdentity").GetString()).ToList();
        Assert.Contains("-", identities);
        Assert.Contains("cn=frontend", identities);
    }

    [Fact]
    public async Task Required_RefusesExpiredClientCertificate()
    {
        await using var app = new EchoApp();
        await using var proxy = Start(app, "required");
        using var expired = _pki.Client("frontend", notAfter: DateTimeOffset.UtcNow.AddHours(-1), notBefore: DateTimeOffset.UtcNow.AddDays(-2));

        Assert.False(await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca, expired)));
        var failure = await proxy.Log.WaitForAsync("handshake_failed");
        Assert.Equal("client_certificate_expired", failure.GetProperty("Reason").GetString());
    }

    [Fact]
    public async Task Required_RefusesClientCertificateFromAnotherCa()
    {
        await using var app = new EchoApp();
        await using var proxy = Start(app, "required");
        using var stranger = new TestPki("stranger CA");
        using var client = stranger.Client("frontend");

        Assert.False(await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca, client)));
        var failure = await proxy.Log.WaitForAsync("handshake_failed");
        Assert.Equal("client_certificate_untrusted", failure.GetProperty("Reason").GetString());
        Assert.Equal(0, app.Accepted);
    }

    [Fact]
    public async Task Required_RefusesServerAuthOnlyCertificate()
    {
        await using var app = new EchoApp();
        await using var proxy = Start(app, "required");
        using var serverOnly = _pki.Server("frontend");

        Assert.False(await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca, serverOnly)));
        Assert.Equal("client_certificate_untrusted", (await proxy.Log.WaitForAsync("handshake_failed")).GetProperty("Reason").GetString());
    }

    [Fact]
    public async Task ReloadsClientCa_ForNextHandshake()
    {
        await using var app = new EchoApp();
        await using var proxy = Start(app, "required");
        using var next = new TestPki("next client CA");
        using var client = next.Client("frontend");
        Assert.False(await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca, client)));

        _clientCa.WriteCa(next.Ca);
        await proxy.Log.WaitForCountAsync("certificate_loaded", 2);

        Assert.True(await TryEchoAsync(proxy, ProxyHarness.ClientOptions(_serverPki.Ca, client)));
    }

    private ProxyHarness Start(EchoApp app, string mode, string? allowed = null)
    {
        var env = ProxyHarness.Environment(app.Port, _server.Directory);
        env[ProxyEnvironment.Mtls] = mode;
        env[ProxyEnvironment.ClientCaDirectory] = _clientCa.Directory;
        if (allowed is not null)
        {
            env[ProxyEnvironment.AllowedClients] = allowed;
        }

        return ProxyHarness.Start(env);
    }

    /// <summary>
    /// True when bytes make the round trip. Under TLS 1.3 the server checks the client certificate after the
    /// client's handshake already finished, so a refusal may show only at the first read.
    /// </summary>
    private static async Task<bool> TryEchoAsync(ProxyHarness proxy, SslClientAuthenticationOptions options)
    {
        try
        {
            await using var tls = await proxy.ConnectAsync(options);
            return await ProxyHarness.EchoAsync(tls, "ping") == "ping";
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or EndOfStreamException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        _clientCa.Dispose();
        _pki.Dispose();
        _serverPki.Dispose();
    }
}
