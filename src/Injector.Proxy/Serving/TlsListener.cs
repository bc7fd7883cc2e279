using System.Net;
using System.Net.Sockets;
using Injector.Proxy.Logging;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Serving;

/// <summary>One TLS port: accepts connections and hands each to the <see cref="TlsConnectionHandler"/>.</summary>
internal sealed class TlsListener(int routeIndex, ProxyRoute route, Socket socket, TlsConnectionHandler handler, ProxyLogger log)
{
    private Task _acceptLoop = Task.CompletedTask;

    public ProxyRoute Route { get; } = route;

    public IPEndPoint LocalEndPoint { get; } = (IPEndPoint)socket.LocalEndPoint!;

    public void Start(CancellationToken abort) => _acceptLoop = AcceptLoopAsync(abort);

    /// <summary>Closes the listening socket: new connections are refused, open ones carry on.</summary>
    public async Task StopAcceptingAsync()
    {
        socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync(CancellationToken abort)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(abort).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException
                                       || (ex is SocketException se && se.SocketErrorCode == SocketError.OperationAborted))
            {
                return;
            }
            catch (SocketException ex)
            {
                // EMFILE and friends: back off a little rather than spin, and keep serving the connections we have.
                log.Begin(LogLevel.Error, LogEvents.AcceptFailed, "Accepting a connection failed")
                    .Add("Port", Route.TlsPort).Add(ex).Write();
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            // Not awaited: each connection runs on its own; the handler never throws.
            _ = handler.HandleAsync(client, routeIndex, Route, abort);
        }
    }
}
