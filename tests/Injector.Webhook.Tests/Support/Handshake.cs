using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Injector.Webhook.Tests.Support;

/// <summary>A fresh TLS handshake on a new connection, returning the certificate the server presented.</summary>
internal static class Handshake
{
    /// <summary>
    /// A random SNI name per call defeats TLS session resumption, so every call sees the certificate the server
    /// would present now (as in aspnetcore's HttpsConnectionMiddlewareTests).
    /// </summary>
    public static async Task<(X509Certificate2 Certificate, SslProtocols Protocol)> ConnectAsync(Uri address, SslProtocols protocols = SslProtocols.None)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        X509Certificate2? seen = null;
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            // Trust is asserted by the caller on what was seen; here any presented certificate is captured.
            seen = certificate is null ? null : new X509Certificate2(certificate);
            return seen is not null;
        });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = Guid.NewGuid().ToString("N") + ".test",
            EnabledSslProtocols = protocols,
        });
        return (seen ?? throw new InvalidOperationException("The server presented no certificate."), ssl.SslProtocol);
    }
}
