using System.Net;
using Injector.Proxy.Tests.Support;

namespace Injector.Proxy.Tests.Identity;

/// <summary>A real HTTP server (HttpListener) behind the proxy reads the header with its own parser, request after request on one connection.</summary>
public sealed class RealHttpServerTests(IdentityFixture identity) : IClassFixture<IdentityFixture>
{
    [Fact]
    public async Task KeepAliveRequests_EachCarryTheIdentity_AndNeverTheForgedOne()
    {
        using var app = new TestHttpApp();
        await using var proxy = identity.Start(app.Port, "http-header");
        var options = identity.ClientOptions();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, SslOptions = options, PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://{proxy.TlsEndPoint}/") };

        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/r{i}") { Version = HttpVersion.Version11 };
            request.Headers.TryAddWithoutValidation("X-Forwarded-Client-Cert", "Hash=forged;Subject=\"CN=admin\"");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, app.Requests.Count);
        Assert.All(app.Requests, r => Assert.Equal(identity.ExpectedHeaderValue, r.Headers["X-Forwarded-Client-Cert"]));
        Assert.Equal(1, proxy.Host.Metrics.Handshakes(0));
    }
}
