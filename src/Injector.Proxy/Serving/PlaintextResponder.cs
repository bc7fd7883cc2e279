using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Injector.Proxy.Serving;

/// <summary>
/// Answers plain HTTP that arrived on a TLS port with <c>308 Permanent Redirect</c> to the same URL over https.
/// The host and port come from the request's <c>Host</c> header: that is where the client connected (a Service port
/// that now reaches the TLS listener), so the same host and port speak TLS. A Host without a port means the client
/// used port 80, and the redirect names <c>:80</c> explicitly for that reason. Without a usable Host header the
/// listener's own address is used.
/// </summary>
internal static class PlaintextResponder
{
    /// <summary>Request heads larger than this are not HTTP we will redirect (Kestrel's default limit is 32 KiB; 8 KiB is nginx's).</summary>
    internal const int MaxHeadBytes = 8 * 1024;

    /// <summary>The first byte of every TLS connection: a handshake record (RFC 8446 §5.1, ContentType 22).</summary>
    internal const byte TlsHandshakeRecord = 0x16;

    /// <summary>Reads the request head and writes the redirect. Returns the Location sent, or null when the bytes were not HTTP.</summary>
    public static async Task<string?> RedirectAsync(Socket socket, IPEndPoint local, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var location = BuildLocation(Encoding.Latin1.GetString(buffer, 0, length), local);
        if (location is null)
        {
            return null;
        }

        var response = Encoding.Latin1.GetBytes(
            "HTTP/1.1 308 Permanent Redirect\r\n" +
            $"Location: {location}\r\n" +
            "Content-Length: 0\r\n" +
            "Connection: close\r\n\r\n");
        await socket.SendAsync(response, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return location;
    }

    /// <summary>The https URL for a request head; null when the head has no HTTP request line.</summary>
    internal static string? BuildLocation(string head, IPEndPoint local)
    {
        var lineEnd = head.IndexOf("\r\n", StringComparison.Ordinal);
        var requestLine = lineEnd < 0 ? head : head[..lineEnd];
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[0].Length == 0)
        {
            return null;
        }

        var target = parts[1];
        string? hostFromTarget = null;
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            // Absolute form (RFC 9112 §3.2.2): the authority travels in the target.
            var rest = target["http://".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            hostFromTarget = slash < 0 ? rest : rest[..slash];
            target = slash < 0 ? "/" : rest[slash..];
        }

        if (!target.StartsWith('/') || !IsSafe(target))
        {
            target = "/";
        }

        var authority = hostFromTarget ?? HostHeader(head);
        authority = authority is not null && IsSafeAuthority(authority) ? WithPort(authority) : FormatEndPoint(local);
        return $"https://{authority}{target}";
    }

    private static string? HostHeader(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))
            {
                var value = line[5..].Trim();
                return value.Length == 0 ? null : value;
            }
        }

        return null;
    }

    private static string WithPort(string authority)
    {
        // "[::1]:8443", "[::1]", "svc:8443", "svc".
        var closing = authority.LastIndexOf(']');
        var colon = authority.LastIndexOf(':');
        return colon > closing ? authority : authority + ":80";
    }

    private static string FormatEndPoint(IPEndPoint endPoint)
        => endPoint.AddressFamily == AddressFamily.InterNetworkV6 && !endPoint.Address.IsIPv4MappedToIPv6
            ? $"[{endPoint.Address}]:{endPoint.Port}"
            : $"{(endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address)}:{endPoint.Port}";

    // No CR/LF, spaces or control characters may reach the Location header (response splitting).
    private static bool IsSafe(string value) => value.All(c => c > 0x20 && c < 0x7F);

    private static bool IsSafeAuthority(string value)
        => IsSafe(value) && value.IndexOfAny(['/', '?', '#', '@', '\\']) < 0;
}
