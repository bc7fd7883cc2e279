using System.Net;
using System.Net.Sockets;
using Injector.Proxy.Forwarding;

namespace Injector.Proxy.Tests.Forwarding;

public sealed class SocketStreamTests
{
    [Fact]
    public async Task PeerReset_EndsReadsWithZero_AndSaysSo()
    {
        var (local, remote) = await ConnectedPairAsync();
        await using var stream = new SocketStream(local);
        await remote.SendAsync("hi"u8.ToArray(), SocketFlags.None);
        var buffer = new byte[16];
        Assert.Equal(2, await stream.ReadAsync(buffer));

        var pending = stream.ReadAsync(buffer); // waiting when the reset arrives
        remote.LingerState = new LingerOption(enable: true, seconds: 0);
        remote.Close();

        Assert.Equal(0, await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(SocketError.ConnectionReset, stream.PeerReset?.SocketErrorCode);
        Assert.Equal(0, await stream.ReadAsync(buffer)); // stays ended, no further syscall needed
    }

    [Fact]
    public async Task CleanFin_EndsReadsWithZero_WithoutAReset()
    {
        var (local, remote) = await ConnectedPairAsync();
        await using var stream = new SocketStream(local);
        remote.Shutdown(SocketShutdown.Send);

        Assert.Equal(0, await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(stream.PeerReset);
        remote.Dispose();
    }

    [Fact]
    public async Task CancelledRead_Throws_AndEndsTheConnection()
    {
        var (local, remote) = await ConnectedPairAsync();
        await using var stream = new SocketStream(local);
        using var cancel = new CancellationTokenSource();

        var pending = stream.ReadAsync(new byte[16], cancel.Token);
        Assert.False(pending.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        // Cancelling tears the connection down: the peer sees the end of stream.
        Assert.Equal(0, await remote.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10)));
        remote.Dispose();
    }

    [Fact]
    public async Task Writes_ArriveWhole_AndSyncMembersWorkToo()
    {
        var (local, remote) = await ConnectedPairAsync();
        await using var stream = new SocketStream(local);
        var payload = new byte[1 << 20];
        Random.Shared.NextBytes(payload);

        var write = stream.WriteAsync(payload).AsTask();
        var received = new byte[payload.Length];
        var total = 0;
        while (total < received.Length)
        {
            total += await remote.ReceiveAsync(received.AsMemory(total), SocketFlags.None);
        }

        await write;
        Assert.Equal(payload, received);

        await remote.SendAsync("sync"u8.ToArray(), SocketFlags.None);
        var four = new byte[4];
        stream.ReadExactly(four);
        Assert.Equal("sync"u8.ToArray(), four);
        stream.Write("back"u8);
        Assert.Equal(4, await remote.ReceiveAsync(four, SocketFlags.None));
        Assert.Equal("back"u8.ToArray(), four);
        remote.Dispose();
    }

    [Fact]
    public async Task WriteToAResetPeer_ThrowsIOException()
    {
        var (local, remote) = await ConnectedPairAsync();
        await using var stream = new SocketStream(local);
        remote.LingerState = new LingerOption(enable: true, seconds: 0);
        remote.Close();

        await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await stream.WriteAsync(new byte[64 * 1024]);
                await Task.Delay(10);
            }
        });
    }

    private static async Task<(Socket Local, Socket Remote)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var remote = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await remote.ConnectAsync(listener.LocalEndPoint!);
        var local = await listener.AcceptAsync();
        return (local, remote);
    }
}
