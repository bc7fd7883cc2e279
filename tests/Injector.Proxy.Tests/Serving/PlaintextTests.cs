using System.Net;
using System.Net.Sockets;
using System.Text;
using Injector.Proxy.Tests.Support;
using Injector.Proxy.Serving;
using Injector.Testing;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Tests.Serving;

public sealed class PlaintextTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    public PlaintextTests() => _secret.WriteServer(_pki.Server());

    [Fact]
    public async Task Reject_ClosesAndLogs()
    {
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));

        var answer = await SendPlainAsync(proxy.TlsEndPoint, "GET / HTTP/1.1\r\nHost: app\r\n\r\n");

        Assert.Equal("", answer);
        var rejected = await proxy.Log.WaitForAsync("plaintext_rejected");
        Assert.Equal(8443, rejected.GetProperty("Port").GetInt32());
        Assert.Equal(0, app.Accepted);
        Assert.Contains("tls_proxy_plaintext_connections_total{action=\"reject\"} 1", (await proxy.GetHealthAsync("/metrics")).Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET /orders?id=7 HTTP/1.1\r\nHost: shop.example:8443\r\n\r\n", "https://shop.example:8443/orders?id=7")]
    [InlineData("GET /a HTTP/1.1\r\nHost: shop.svc\r\n\r\n", "https://shop.svc:80/a")]
    [InlineData("POST /x HTTP/1.1\r\nhost: [fd00::1]:8080\r\nContent-Length: 0\r\n\r\n", "https://[fd00::1]:8080/x")]
    public async Task Redirect_Answers308ToHttps(string request, string location)
    {
        await using var app = new EchoApp();
        var env = ProxyHarness.Environment(app.Port, _secret.Directory);
        env[ProxyEnvironment.Plaintext] = "redirect";
        await using var proxy = ProxyHarness.Start(env);

        var answer = await SendPlainAsync(proxy.TlsEndPoint, request);

        Assert.StartsWith("HTTP/1.1 308 Permanent Redirect\r\n", answer, StringComparison.Ordinal);
        Assert.Contains($"\r\nLocation: {location}\r\n", answer, StringComparison.Ordinal);
        Assert.Equal(location, (await proxy.Log.WaitForAsync("plaintext_redirected")).GetProperty("Location").GetString());
    }

    [Fact]
    public async Task Redirect_RejectsWhatIsNotHttp()
    {
        await using var app = new EchoApp();
        var env = ProxyHarness.Environment(app.Port, _secret.Directory);
        env[ProxyEnvironment.Plaintext] = "redirect";
        await using var proxy = ProxyHarness.Start(env);

        Assert.Equal("", await SendPlainAsync(proxy.TlsEndPoint, "SSH-2.0-OpenSSH_9.2\r\n\r\n"));
        await proxy.Log.WaitForAsync("plaintext_rejected");
    }

    [Theory]
    [InlineData("GET /p HTTP/1.0\r\n\r\n", "https://127.0.0.1:8443/p")]
    [InlineData("GET http://proxy.example/abs HTTP/1.1\r\nHost: ignored\r\n\r\n", "https://proxy.example:80/abs")]
    [InlineData("GET /p HTTP/1.1\r\nHost: evil.example/\r\n\r\n", "https://127.0.0.1:8443/p")]
    public void BuildLocation_UsesHostOrListener(string head, string expected)
        => Assert.Equal(expected, PlaintextResponder.BuildLocation(head, new IPEndPoint(IPAddress.Loopback, 8443)));

    private static async Task<string> SendPlainAsync(IPEndPoint endPoint, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        try
        {
            return await ProxyHarness.ReadToEndAsync(socket);
        }
        catch (SocketException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }
}
