using System.Buffers;
using System.Globalization;
using System.Text;

namespace Injector.Proxy.Identity;

internal sealed partial class HttpRequestRelay
{
    private static readonly byte[] ForwardedClientCertName = Encoding.ASCII.GetBytes(ForwardedClientCert.HeaderName);

    /// <summary>
    /// Passes a chunked body on as it arrives, checking its framing (RFC 9112 §7.1): each size line, the CRLF after
    /// each chunk, the trailer lines. False when the client ended first or the framing is refused.
    /// </summary>
    private async ValueTask<bool> RelayChunkedAsync(Stream client, Stream app, CancellationToken cancellationToken)
    {
        while (true)
        {
            var length = await ReadLineAsync(client, app, cancellationToken).ConfigureAwait(false);
            if (length < 0)
            {
                return false;
            }

            if (!TryParseChunkSize(Unparsed[..length], out var size))
            {
                Rejection = "a chunk size line that is not HEX[;extensions]";
                return false;
            }

            _start += length + 2;
            if (size == 0)
            {
                return await RelayTrailersAsync(client, app, cancellationToken).ConfigureAwait(false);
            }

            if (!await RelayBytesAsync(size, client, app, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            var end = await ReadLineAsync(client, app, cancellationToken).ConfigureAwait(false);
            if (end != 0)
            {
                Rejection ??= end > 0 ? "chunk data longer than its size" : null;
                return false;
            }

            _start += 2;
        }
    }

    /// <summary>The trailer section up to its empty line. A trailer naming the forwarded-cert header is refused, not passed on.</summary>
    private async ValueTask<bool> RelayTrailersAsync(Stream client, Stream app, CancellationToken cancellationToken)
    {
        while (true)
        {
            var length = await ReadLineAsync(client, app, cancellationToken).ConfigureAwait(false);
            if (length < 0)
            {
                return false;
            }

            var line = Unparsed[..length];
            var colon = line.IndexOf((byte)':');
            if (length > 0 && (colon <= 0 || Ascii.EqualsIgnoreCase(line[..colon], ForwardedClientCertName)))
            {
                Rejection = "a trailer that is not NAME: VALUE, or that names X-Forwarded-Client-Cert";
                return false;
            }

            _start += length + 2;
            if (length == 0)
            {
                return true;
            }
        }
    }

    /// <summary>The length of the line at <c>_start</c> (CRLF not counted); -1 when the client ended or the line is refused.</summary>
    private async ValueTask<int> ReadLineAsync(Stream client, Stream app, CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = Unparsed.IndexOf("\r\n"u8);
            if (end >= 0)
            {
                if (Unparsed[..end].ContainsAny(LineBreaksAndNul))
                {
                    Rejection = "a bare CR, LF or NUL in a chunk line";
                    return -1;
                }

                return end;
            }

            if (_end - _start > MaxChunkLine)
            {
                Rejection = $"a chunk line longer than {MaxChunkLine / 1024} KiB";
                return -1;
            }

            if (!await FillAsync(client, app, cancellationToken).ConfigureAwait(false))
            {
                return -1;
            }
        }
    }

    private static bool TryParseChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        var semicolon = line.IndexOf((byte)';');
        var digits = (semicolon < 0 ? line : line[..semicolon]).TrimEnd(" \t"u8);
        return digits.Length is > 0 and <= 15
            && !digits.ContainsAnyExcept(HexDigits)
            && long.TryParse(Encoding.ASCII.GetString(digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out size);
    }

    private static readonly SearchValues<byte> LineBreaksAndNul = SearchValues.Create([(byte)'\r', (byte)'\n', (byte)0]);

    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);
}
