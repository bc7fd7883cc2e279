using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Injector.Proxy.Health;

/// <summary>
/// A one-request HTTP/1.1 GET that returns only the status code: all a kubelet-style probe needs. Hand-written
/// instead of HttpClient because SocketsHttpHandler would add megabytes to the NativeAOT binary and a connection
/// pool to a process that sends a few requests a minute.
/// </summary>
internal static class HttpStatusClient
{
    private const int MaxStatusLineBytes = 4096;

    /// <summary>
    /// GETs <paramref name="path"/> and returns the status code. Throws <see cref="IOException"/>,
    /// <see cref="SocketException"/> or <see cref="OperationCanceledException"/> when no valid status line arrives.
    /// With <paramref name="tls"/> (the kubelet's <c>scheme: HTTPS</c>) it speaks TLS without verifying the
    /// certificate, as the kubelet does. <paramref name="preamble"/> (may be empty) is sent first, in plain.
    /// </summary>
    public static async Task<int> GetStatusAsync(
        IPEndPoint endPoint,
        ReadOnlyMemory<byte> preamble,
        string path,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        bool tls,
        CancellationToken cancellationToken)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        if (!preamble.IsEmpty)
        {
            await socket.SendAsync(preamble, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }

        Stream stream = new NetworkStream(socket, ownsSocket: false);
        await using (stream.ConfigureAwait(false))
        {
            if (tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = endPoint.Address.ToString(),
#pragma warning disable CA5359 // The kubelet does not verify an HTTPS probe's certificate either; this mirrors it.
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                    },
                    cancellationToken).ConfigureAwait(false);
                stream = ssl;
            }

            var request = new StringBuilder(256)
                .Append("GET ").Append(path).Append(" HTTP/1.1\r\n");
            var hasHost = false;
            foreach (var (name, value) in headers)
            {
                hasHost |= name.Equals("Host", StringComparison.OrdinalIgnoreCase);
                request.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            if (!hasHost)
            {
                request.Append("Host: ").Append(endPoint).Append("\r\n");
            }

            request.Append("Connection: close\r\n\r\n");
            await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);

            var buffer = new byte[MaxStatusLineBytes];
            var length = 0;
            while (length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (buffer.AsSpan(0, length).IndexOf("\r\n"u8) >= 0)
                {
                    break;
                }
            }

            return ParseStatus(buffer.AsSpan(0, length));
        }
    }

    /// <summary>Reads the code from <c>HTTP/1.x NNN reason</c>.</summary>
    internal static int ParseStatus(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head.StartsWith("HTTP/1."u8) && head[8] == (byte)' '
            && int.TryParse(Encoding.ASCII.GetString(head.Slice(9, 3)), System.Globalization.NumberStyles.None, null, out var status)
            && status is >= 100 and <= 599)
        {
            return status;
        }

        throw new IOException("the app's answer is not an HTTP/1.x status line");
    }
}
