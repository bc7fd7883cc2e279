using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Injector.Proxy.Tests.Support;
using Injector.Testing;

namespace Injector.Proxy.Tests.Forwarding;

public sealed class DuplexForwarderTests : IDisposable
{
    private const int StreamBytes = 64 * 1024 * 1024;
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    public DuplexForwarderTests() => _secret.WriteServer(_pki.Server());

    [Fact]
    public async Task Streams64MiB_EachWay_WithMatchingSha256()
    {
        // The app hashes what it receives and, once the client half-closes, sends 64 MiB of its own.
        var appReceived = new TaskCompletionSource<byte[]>();
        var appSent = new TaskCompletionSource<byte[]>();
        await using var app = new EchoApp(async (socket, ct) =>
        {
            using var inbound = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[128 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                inbound.AppendData(buffer, 0, read);
            }

            appReceived.SetResult(inbound.GetHashAndReset());
            using var outbound = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var random = new Random(7);
            for (var sent = 0; sent < StreamBytes; sent += buffer.Length)
            {
                random.NextBytes(buffer);
                outbound.AppendData(buffer);
                await socket.SendAsync(buffer, SocketFlags.None, ct);
            }

            appSent.SetResult(outbound.GetHashAndReset());
            socket.Shutdown(SocketShutdown.Send);
        });
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        await using var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca));

        using var clientSent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[100 * 1024];
        var random = new Random(3);
        for (var sent = 0; sent < StreamBytes;)
        {
            var size = Math.Min(chunk.Length, StreamBytes - sent);
            random.NextBytes(chunk);
            clientSent.AppendData(chunk, 0, size);
            await tls.WriteAsync(chunk.AsMemory(0, size));
            sent += size;
        }

        await tls.ShutdownAsync(); // close_notify: the app sees end of stream, then answers
        using var clientReceived = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        int n;
        while ((n = await tls.ReadAsync(chunk)) > 0)
        {
            clientReceived.AppendData(chunk, 0, n);
            total += n;
        }

        Assert.Equal(clientSent.GetHashAndReset(), await appReceived.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(StreamBytes, total);
        Assert.Equal(await appSent.Task, clientReceived.GetHashAndReset());
        var closed = await proxy.Log.WaitForAsync("connection_closed", e => e.TryGetProperty("Outcome", out _));
        Assert.Equal("completed", closed.GetProperty("Outcome").GetString());
        Assert.Equal(StreamBytes, closed.GetProperty("BytesFromClient").GetInt64());
        Assert.Equal(StreamBytes, closed.GetProperty("BytesToClient").GetInt64());
    }

    [Fact]
    public async Task HalfClose_FromClient_LetsAppFinishItsAnswer()
    {
        // An app that reads the whole request (to EOF), then answers: it only works when the FIN is passed on.
        await using var app = new EchoApp(async (socket, ct) =>
        {
            var request = new MemoryStream();
            var buffer = new byte[1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                request.Write(buffer, 0, read);
            }

            await Task.Delay(200, ct); // the answer comes well after the client stopped sending
            await socket.SendAsync(Encoding.ASCII.GetBytes($"got {request.Length} bytes"), SocketFlags.None, ct);
            socket.Shutdown(SocketShutdown.Send);
        });
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        await using var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca));

        await tls.WriteAsync(new byte[5000]);
        await tls.ShutdownAsync();
        var answer = new StreamReader(tls, Encoding.ASCII);

        Assert.Equal("got 5000 bytes", await answer.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task HalfClose_FromApp_LetsClientKeepSending()
    {
        var received = new TaskCompletionSource<string>();
        await using var app = new EchoApp(async (socket, ct) =>
        {
            await socket.SendAsync("bye"u8.ToArray(), SocketFlags.None, ct);
            socket.Shutdown(SocketShutdown.Send); // the app is done talking, still listening
            var buffer = new byte[1024];
            var all = new StringBuilder();
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                all.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            received.SetResult(all.ToString());
        });
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        await using var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca));

        var reader = new StreamReader(tls, Encoding.ASCII);
        Assert.Equal("bye", await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        await tls.WriteAsync("late words"u8.ToArray());
        await tls.ShutdownAsync();

        Assert.Equal("late words", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ClientResetWhileIdle_IsLoggedAsClientError_WithItsTlsDetails()
    {
        // The common way a client leaves: it got its answer and closes with unread data (session tickets, say), so
        // the kernel sends RST while the proxy waits for the next request with its zero-byte read.
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(proxy.TlsEndPoint);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(ProxyHarness.ClientOptions(_pki.Ca));
        Assert.Equal("ping", await ProxyHarness.EchoAsync(tls, "ping"));

        socket.LingerState = new LingerOption(enable: true, seconds: 0); // close = RST
        socket.Close();

        var closed = await proxy.Log.WaitForAsync("connection_closed");
        Assert.Equal("client_error", closed.GetProperty("Outcome").GetString());
        Assert.Equal("Information", closed.GetProperty("@l").GetString());
        Assert.Equal("1.3", closed.GetProperty("TlsVersion").GetString());
        Assert.Equal(4, closed.GetProperty("BytesFromClient").GetInt64());
        Assert.Contains("reset", closed.GetProperty("@x").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AppReset_IsAnAppError_NotACleanEnd()
    {
        await using var app = new EchoApp(async (socket, ct) =>
        {
            await socket.ReceiveAsync(new byte[16], SocketFlags.None, ct);
            socket.LingerState = new LingerOption(enable: true, seconds: 0);
            socket.Close(); // RST instead of an answer
        });
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        await using var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca));
        await tls.WriteAsync("ping"u8.ToArray());

        var closed = await proxy.Log.WaitForAsync("connection_closed");
        Assert.Equal("app_error", closed.GetProperty("Outcome").GetString());
        Assert.Equal("Warning", closed.GetProperty("@l").GetString());
    }

    [Fact]
    public async Task AppDown_ClosesCleanly_Logs_AndIsNotReady()
    {
        var port = EchoApp.UnusedPort();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(port, _secret.Directory));
        await using var tls = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca));

        // A clean TLS close (close_notify), not a reset: the read ends with 0 bytes.
        Assert.Equal(0, await tls.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        var error = await proxy.Log.WaitForAsync("app_unreachable");
        Assert.Equal(port, error.GetProperty("AppPort").GetInt32());
        Assert.Equal("Error", error.GetProperty("@l").GetString());

        var (status, body) = await proxy.GetHealthAsync("/readyz");
        Assert.Equal(503, status);
        Assert.Contains($"app port 127.0.0.1:{port} does not accept connections", body, StringComparison.Ordinal);
        Assert.Equal(200, (await proxy.GetHealthAsync("/healthz")).Status);

        // Still serving: the next connection gets the same clean treatment.
        await using var again = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca));
        Assert.Equal(0, await again.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Serves1000ConcurrentConnections()
    {
        const int Connections = 1000;
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Open all of them first (bounded parallel handshakes), hold them, then use each one.
        var open = new System.Net.Security.SslStream[Connections];
        await Parallel.ForAsync(0, Connections, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            open[i] = await proxy.ConnectAsync(ProxyHarness.ClientOptions(_pki.Ca), cancellationToken: ct);
        });

        Assert.Equal(Connections, proxy.Host.Metrics.ActiveConnections);
        await Parallel.ForAsync(0, Connections, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            var text = $"connection {i}";
            Assert.Equal(text, await ProxyHarness.EchoAsync(open[i], text));
        });

        foreach (var tls in open)
        {
            await tls.DisposeAsync();
        }

        Assert.Equal(Connections, app.Accepted);
    }

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }
}
