using System.Net.Sockets;
using System.Text;
using Injector.Proxy.Tests.Support;

namespace Injector.Proxy.Tests.Identity;

/// <summary>
/// In http-header mode a request body streams: the app receives its first mebibytes while the client is still
/// sending, so the proxy holds no more than a buffer of it.
/// </summary>
public sealed class StreamingTests(IdentityFixture identity) : IClassFixture<IdentityFixture>
{
    private const long Declared = 1L << 40;
    private const int Sent = 8 << 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LargeBody_ReachesTheAppBeforeTheClientHasFinished(bool chunked)
    {
        long received = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = new EchoApp(async (socket, ct) =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                if (Interlocked.Add(ref received, read) >= Sent)
                {
                    enough.TrySetResult();
                }
            }
        });
        await using var proxy = identity.Start(app.Port, "http-header");
        await using var tls = await proxy.ConnectAsync(identity.ClientOptions());

        // A body of a tebibyte is announced; only 8 MiB of it are ever sent. A proxy that waited for the whole body
        // before passing it on would never get there.
        var framing = chunked ? "Transfer-Encoding: chunked\r\n\r\n" + Declared.ToString("x", null) + "\r\n" : $"Content-Length: {Declared}\r\n\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes("PUT /big HTTP/1.1\r\nHost: web\r\n" + framing));
        var block = new byte[64 * 1024];
        for (var sent = 0; sent < Sent; sent += block.Length)
        {
            await tls.WriteAsync(block);
        }

        await enough.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(Interlocked.Read(ref received) >= Sent);
    }
}
