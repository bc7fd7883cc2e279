using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Injector.Proxy.Forwarding;
using Injector.Proxy.Identity;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Serving;

internal sealed partial class TlsConnectionHandler
{
    /// <summary>In proxy-protocol mode, sends the PROXY v2 header to the app before any client byte.</summary>
    private async ValueTask SendProxyHeaderAsync(Socket client, SslStream tls, SocketStream app, CancellationToken cancellationToken)
    {
        if (settings.ClientIdentityMode != ClientIdentityMode.ProxyProtocol
            || client.RemoteEndPoint is not IPEndPoint source || client.LocalEndPoint is not IPEndPoint destination)
        {
            return;
        }

        var header = ProxyProtocolHeader.Build(source, destination, tls.RemoteCertificate as X509Certificate2, tls.SslProtocol, tls.NegotiatedCipherSuite);
        await app.WriteAsync(header, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>In http-header mode, the header line each request gets (empty without a client certificate); null otherwise.</summary>
    private byte[]? IdentityHeaderLine(SslStream tls)
    {
        if (settings.ClientIdentityMode != ClientIdentityMode.HttpHeader)
        {
            return null;
        }

        return tls.RemoteCertificate is X509Certificate2 client
            ? ForwardedClientCert.HeaderLine(ForwardedClientCert.Value(client, tls.LocalCertificate as X509Certificate2))
            : [];
    }
}
