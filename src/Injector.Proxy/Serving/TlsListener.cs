using System.Net;
using System.Net.Sockets;
using Injector.Proxy.Hosting;
using Injector.Proxy.Logging;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Serving;

/// <summary>One TLS port: accepts connections and hands each to the <see cref="TlsConnectionHandler"/>.</summary>
internal sealed class TlsListener(int routeIndex, ProxyRoute route, Socket socket, TlsConnectionHandler handler, ProxyLogger log)
{
    private readonly AcceptLoop _accept = new(
        socket,
        (client, abort) => handler.HandleAsync(client, routeIndex, route, abort),
        ex => log.Begin(LogLevel.Error, LogEvents.AcceptFailed, "Accepting a connection failed").Add("Port", route.TlsPort).Add(ex).Write());

    public ProxyRoute Route { get; } = route;

    public IPEndPoint LocalEndPoint => _accept.LocalEndPoint;

    public void Start(CancellationToken abort) => _accept.Start(abort);

    /// <summary>Closes the listening socket: new connections are refused, open ones carry on.</summary>
    public Task StopAcceptingAsync() => _accept.StopAsync();
}
