using System.Net;
using System.Net.Sockets;

namespace Injector.Proxy.Hosting;

/// <summary>
/// The one accept loop of the proxy's ports (TLS and health): accepts until the listening socket is closed and
/// hands each connection to <paramref name="serve"/>, which runs on its own and never throws. A failed accept
/// (EMFILE and friends) is reported and retried after a pause rather than spun on.
/// </summary>
internal sealed class AcceptLoop(Socket socket, Func<Socket, CancellationToken, Task> serve, Action<SocketException> acceptFailed)
{
    private Task _loop = Task.CompletedTask;

    public IPEndPoint LocalEndPoint { get; } = (IPEndPoint)socket.LocalEndPoint!;

    public void Start(CancellationToken stop) => _loop = RunAsync(stop);

    /// <summary>Closes the listening socket: new connections are refused, open ones carry on.</summary>
    public async Task StopAsync()
    {
        socket.Dispose();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException
                                       || (ex is SocketException se && (se.SocketErrorCode == SocketError.OperationAborted || stop.IsCancellationRequested)))
            {
                return;
            }
            catch (SocketException ex)
            {
                acceptFailed(ex);
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            _ = serve(client, stop);
        }
    }
}
