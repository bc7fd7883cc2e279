using System.Net.Sockets;
using System.Text;
using Injector.Proxy.Tests.Support;

namespace Injector.Proxy.Tests.Identity;

/// <summary>
/// http-header mode through real sockets and certificates. The app is an echo app, so what the client reads back is
/// exactly what the app received.
/// </summary>
public sealed class HttpHeaderTests(IdentityFixture identity) : IClassFixture<IdentityFixture>
{
    private const string Forged = "X-Forwarded-Client-Cert: By=spiffe://evil;Hash=00;Subject=\"CN=admin\"\r\n";

    private string Header => $"X-Forwarded-Client-Cert: {identity.ExpectedHeaderValue}\r\n";

    [Fact]
    public async Task AppSeesTheExactIdentity_AndNoneOfTheClientsOwn()
    {
        await using var app = new EchoApp();
        await using var proxy = identity.Start(app.Port, "http-header");

        var seen = await IdentityFixture.ExchangeAsync(proxy, identity.ClientOptions(),
            "GET /a HTTP/1.1\r\nHost: web\r\n" + Forged + "x-forwarded-client-cert: Hash=11\r\nAccept: */*\r\n\r\n");

        Assert.Equal("GET /a HTTP/1.1\r\nHost: web\r\nAccept: */*\r\n" + Header + "\r\n", seen);
    }

    [Fact]
    public async Task PipelinedRequests_EachGetTheHeader_AndBodiesPassUntouched()
    {
        await using var app = new EchoApp();
        await using var proxy = identity.Start(app.Port, "http-header");
        const string body = "X-Forwarded-Client-Cert: in-the-body\r\n\r\n";

        var seen = await IdentityFixture.ExchangeAsync(proxy, identity.ClientOptions(),
            "GET /1 HTTP/1.1\r\nHost: web\r\n\r\n"
            + $"POST /2 HTTP/1.1\r\nHost: web\r\n{Forged}Content-Length: {body.Length}\r\n\r\n{body}"
            + "GET /3 HTTP/1.1\r\nHost: web\r\n" + Forged + "\r\n");

        Assert.Equal(
            "GET /1 HTTP/1.1\r\nHost: web\r\n" + Header + "\r\n"
            + $"POST /2 HTTP/1.1\r\nHost: web\r\nContent-Length: {body.Length}\r\n{Header}\r\n{body}"
            + "GET /3 HTTP/1.1\r\nHost: web\r\n" + Header + "\r\n",
            seen);
    }

    [Fact]
    public async Task ChunkedBody_PassesAsItCame_AndTheNextRequestIsStillParsed()
    {
        await using var app = new EchoApp();
        await using var proxy = identity.Start(app.Port, "http-header");
        const string chunked = "5;ext=1\r\nhello\r\n1C\r\nX-Forwarded-Client-Cert: x\r\n\r\n0\r\nX-Trailer: t\r\n\r\n";
        var head = "POST /upload HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: chunked\r\n" + Forged + "\r\n";

        // Split inside the head, a size line, the data and the trailer, so every parser state waits for more bytes.
        var seen = await IdentityFixture.ExchangeAsync(proxy, identity.ClientOptions(),
            head[..20], head[20..] + chunked[..3], chunked[3..14], chunked[14..30], chunked[30..], "GET /next HTTP/1.1\r\n" + Forged + "\r\n");

        Assert.Equal(
            "POST /upload HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: chunked\r\n" + Header + "\r\n" + chunked
            + "GET /next HTTP/1.1\r\n" + Header + "\r\n",
            seen);
    }

    [Fact]
    public async Task OptionalMtls_ClientWithoutCertificate_GetsNoHeader_AndItsOwnIsStillDropped()
    {
        await using var app = new EchoApp();
        await using var proxy = identity.Start(app.Port, "http-header", mtls: "optional");

        var seen = await IdentityFixture.ExchangeAsync(proxy, identity.ClientOptions(withCertificate: false),
            "GET / HTTP/1.1\r\nHost: web\r\n" + Forged + "\r\n");

        Assert.Equal("GET / HTTP/1.1\r\nHost: web\r\n\r\n", seen);
    }

    public static TheoryData<string, string> RefusedRequests => new()
    {
        { "bare LF ends a header early for some parsers", "GET /x HTTP/1.1\r\nX-A: b\nX-Forwarded-Client-Cert: forged\r\n\r\n" },
        { "bare CR", "GET /x HTTP/1.1\r\nX-A: b\rX-Forwarded-Client-Cert: forged\r\n\r\n" },
        { "space before the colon", "GET /x HTTP/1.1\r\nX-Forwarded-Client-Cert : forged\r\n\r\n" },
        { "folded line", "GET /x HTTP/1.1\r\nX-A: b\r\n X-Forwarded-Client-Cert: forged\r\n\r\n" },
        { "Content-Length and Transfer-Encoding", "POST /x HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" },
        { "two Content-Lengths", "POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabc" },
        { "Transfer-Encoding not ending in chunked", "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabc" },
        { "HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" },
        { "forged trailer", "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Forwarded-Client-Cert: forged\r\n\r\n" },
        { "chunk longer than its size", "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n" },
        { "Upgrade after the first request", "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(RefusedRequests))]
    public async Task RefusedRequest_EndsTheRelay_AfterTheRequestsBeforeIt(string why, string request)
    {
        await using var app = new EchoApp();
        await using var proxy = identity.Start(app.Port, "http-header");

        var seen = await IdentityFixture.ExchangeAsync(proxy, identity.ClientOptions(),
            "GET /ok HTTP/1.1\r\n\r\n" + request + "GET /after HTTP/1.1\r\n" + Forged + "\r\n");

        // The refused request's own head may have gone to the app (when its body is what is wrong), but nothing after it.
        Assert.True(seen.StartsWith("GET /ok HTTP/1.1\r\n" + Header + "\r\n", StringComparison.Ordinal), $"{why}: the app saw {seen}");
        Assert.DoesNotContain("forged", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("/after", seen, StringComparison.Ordinal);
        var closed = await proxy.Log.WaitForAsync("connection_closed");
        Assert.Equal("bad_request", closed.GetProperty("Outcome").GetString());
        Assert.False(string.IsNullOrEmpty(closed.GetProperty("Detail").GetString()));
    }

    [Fact]
    public async Task Upgrade_TheAppAccepts_PassesTheRestThroughUnparsed()
    {
        const string switching = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        await using var app = new EchoApp(async (socket, ct) =>
        {
            await ReadHeadAsync(socket, ct);
            await socket.SendAsync(Encoding.ASCII.GetBytes(switching), ct);
            await EchoApp.EchoAsync(socket, ct);
        });
        await using var proxy = identity.Start(app.Port, "http-header");
        await using var tls = await proxy.ConnectAsync(identity.ClientOptions());

        await tls.WriteAsync("GET /ws HTTP/1.1\r\nHost: web\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"u8.ToArray());
        Assert.Equal(switching, await ReadAsync(tls, switching.Length));

        const string frames = "not HTTP at all\r\nX-Forwarded-Client-Cert: raw\r\n\r\n";
        Assert.Equal(frames, await ProxyHarness.EchoAsync(tls, frames));
    }

    [Fact]
    public async Task Upgrade_TheAppRefuses_TheNextRequestIsParsedAgain()
    {
        const string refused = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
        await using var app = new EchoApp(async (socket, ct) =>
        {
            await ReadHeadAsync(socket, ct);
            await socket.SendAsync(Encoding.ASCII.GetBytes(refused), ct);
            await EchoApp.EchoAsync(socket, ct);
        });
        await using var proxy = identity.Start(app.Port, "http-header");
        await using var tls = await proxy.ConnectAsync(identity.ClientOptions());

        await tls.WriteAsync("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"u8.ToArray());
        Assert.Equal(refused, await ReadAsync(tls, refused.Length));

        await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /next HTTP/1.1\r\n" + Forged + "\r\n"));
        var expected = "GET /next HTTP/1.1\r\n" + Header + "\r\n";
        Assert.Equal(expected, await ReadAsync(tls, expected.Length));
    }

    [Fact]
    public async Task HeaderOff_PassesTheBytesUnchanged()
    {
        await using var app = new EchoApp();
        await using var proxy = identity.Start(app.Port, "none");
        const string request = "GET / HTTP/1.1\r\nHost: web\r\n" + Forged + "\r\n";

        Assert.Equal(request, await IdentityFixture.ExchangeAsync(proxy, identity.ClientOptions(), request));
    }

    /// <summary>Reads up to the end of one request head (the tests' heads carry no body).</summary>
    private static async Task ReadHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!head.AsEnumerable().Reverse().Take(4).SequenceEqual("\n\r\n\r"u8.ToArray()))
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, cancellationToken) == 0)
            {
                return;
            }

            head.Add(one[0]);
        }
    }

    private static async Task<string> ReadAsync(Stream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.ASCII.GetString(bytes);
    }
}
