using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Proxy.Tests.Support;
using Injector.Testing;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Tests.Identity;

/// <summary>A server certificate, a client CA and one client certificate with DNS and URI SANs, for the identity tests.</summary>
public sealed class IdentityFixture : IDisposable
{
    public const string Spiffe = "spiffe://cluster.local/ns/shop/sa/frontend";
    public const string Dns = "frontend.shop.svc";

    private readonly TestPki _clientPki = new("client CA");
    private readonly TestPki _serverPki = new("server CA");
    private readonly SecretVolume _server = new();
    private readonly SecretVolume _clientCa = new();

    public IdentityFixture()
    {
        _server.WriteServer(_serverPki.Server());
        _clientCa.WriteCa(_clientPki.Ca);
        Client = _clientPki.Client("frontend", [Dns], [Spiffe]);
    }

    public X509Certificate2 Client { get; }

    /// <summary>The header value Envoy would write for <see cref="Client"/> (the test server certificate has no URI SAN, so no By).</summary>
    public string ExpectedHeaderValue =>
        $"Hash={Convert.ToHexStringLower(SHA256.HashData(Client.RawData))};Subject=\"CN=frontend\";URI={Spiffe};DNS={Dns}";

    internal ProxyHarness Start(int appPort, string identity, string mtls = "required", string? appProbes = null)
    {
        var env = ProxyHarness.Environment(appPort, _server.Directory);
        env[ProxyEnvironment.Mtls] = mtls;
        env[ProxyEnvironment.ClientCaDirectory] = _clientCa.Directory;
        env[ProxyEnvironment.ClientIdentity] = identity;
        if (appProbes is not null)
        {
            env[ProxyEnvironment.AppProbes] = appProbes;
        }

        return ProxyHarness.Start(env);
    }

    public SslClientAuthenticationOptions ClientOptions(bool withCertificate = true)
        => ProxyHarness.ClientOptions(_serverPki.Ca, withCertificate ? Client : null);

    /// <summary>Sends <paramref name="pieces"/> one write each, half-closes, and returns everything the echo app sent back.</summary>
    internal static async Task<string> ExchangeAsync(ProxyHarness proxy, SslClientAuthenticationOptions options, params string[] pieces)
    {
        await using var tls = await proxy.ConnectAsync(options);
        foreach (var piece in pieces)
        {
            await tls.WriteAsync(Encoding.UTF8.GetBytes(piece));
            await tls.FlushAsync();
        }

        await tls.ShutdownAsync();
        using var back = new MemoryStream();
        await tls.CopyToAsync(back).WaitAsync(TimeSpan.FromSeconds(20));
        return Encoding.UTF8.GetString(back.ToArray());
    }

    public void Dispose()
    {
        Client.Dispose();
        _clientPki.Dispose();
        _serverPki.Dispose();
        _server.Dispose();
        _clientCa.Dispose();
    }
}
