using System.Buffers;
using System.Text;

namespace Injector.Proxy.Identity;

/// <summary>
/// One HTTP/1.x request head, checked strictly enough that the proxy and the app cannot disagree on where the head or
/// the body ends (bare CR or LF, folded lines, a space before the colon, conflicting lengths are refused: RFC 9112
/// §2.2, §5, §6.3). Knows its body framing and writes itself without any client <c>X-Forwarded-Client-Cert</c>.
/// </summary>
internal sealed class HttpRequestHead
{
    private static readonly SearchValues<byte> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static readonly SearchValues<byte> BadValueBytes = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13,
         0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x7F]);

    private static readonly byte[] ForwardedClientCertName = Encoding.ASCII.GetBytes(ForwardedClientCert.HeaderName);

    private readonly List<Range> _dropped;

    private HttpRequestHead(List<Range> dropped) => _dropped = dropped;

    /// <summary>Body length when framed by Content-Length; 0 without a body.</summary>
    public long ContentLength { get; private init; }

    public bool Chunked { get; private init; }

    /// <summary>An Upgrade request or CONNECT: if the app agrees, the bytes after this request are no longer HTTP.</summary>
    public bool SwitchesProtocol { get; private init; }

    /// <summary>True for CONNECT, whose success is a 2xx rather than 101.</summary>
    public bool IsConnect { get; private init; }

    /// <summary>
    /// Parses <paramref name="head"/> (request line to the empty line, CRLFs included). Returns null and the reason
    /// when the request is one the proxy will not pass on.
    /// </summary>
    public static HttpRequestHead? Parse(ReadOnlySpan<byte> head, out string? error)
    {
        error = null;
        var lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = head[..lineEnd];
        if (!TryParseRequestLine(requestLine, out var isConnect, out var http10))
        {
            error = "not an HTTP/1.0 or HTTP/1.1 request line";
            return null;
        }

        var dropped = new List<Range>();
        long? contentLength = null;
        string? transferEncoding = null;
        var upgrade = false;
        var position = lineEnd + 2;
        while (true)
        {
            var rest = head[position..];
            var end = rest.IndexOf("\r\n"u8);
            if (end == 0)
            {
                break;
            }

            var line = rest[..end];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].ContainsAnyExcept(TokenChars))
            {
                error = "a header line is not NAME: VALUE (or is folded, or has a space before the colon)";
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (value.ContainsAny(BadValueBytes))
            {
                error = "a header value holds a control character (a bare CR or LF, or NUL)";
                return null;
            }

            if (Ascii.EqualsIgnoreCase(name, ForwardedClientCertName))
            {
                dropped.Add(new Range(position, position + end + 2));
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!TryParseLength(value, out var length) || (contentLength is { } seen && seen != length))
                {
                    error = "Content-Length is not one number";
                    return null;
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                transferEncoding = transferEncoding is null ? Encoding.ASCII.GetString(value) : transferEncoding + "," + Encoding.ASCII.GetString(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
            {
                upgrade = true;
            }

            position += end + 2;
        }

        var chunked = false;
        if (transferEncoding is not null)
        {
            var last = transferEncoding.Split(',', StringSplitOptions.TrimEntries)[^1];
            if (contentLength is not null || http10 || !string.Equals(last, "chunked", StringComparison.OrdinalIgnoreCase))
            {
                error = "Transfer-Encoding without chunked last, with Content-Length, or on HTTP/1.0";
                return null;
            }

            chunked = true;
        }

        return new HttpRequestHead(dropped)
        {
            ContentLength = contentLength ?? 0,
            Chunked = chunked,
            SwitchesProtocol = upgrade || isConnect,
            IsConnect = isConnect,
        };
    }

    /// <summary>
    /// Copies <paramref name="head"/> into <paramref name="into"/> without the client's forwarded-cert lines, with
    /// <paramref name="identityLine"/> (may be empty) just before the final empty line; returns the length written.
    /// </summary>
    public int Rewrite(ReadOnlySpan<byte> head, ReadOnlySpan<byte> identityLine, Span<byte> into)
    {
        var written = 0;
        var from = 0;
        foreach (var range in _dropped)
        {
            var (start, length) = range.GetOffsetAndLength(head.Length);
            head[from..start].CopyTo(into[written..]);
            written += start - from;
            from = start + length;
        }

        var body = head[from..^2];
        body.CopyTo(into[written..]);
        written += body.Length;
        identityLine.CopyTo(into[written..]);
        written += identityLine.Length;
        "\r\n"u8.CopyTo(into[written..]);
        return written + 2;
    }

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, out bool isConnect, out bool http10)
    {
        isConnect = false;
        http10 = false;
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || line[..firstSpace].ContainsAnyExcept(TokenChars))
        {
            return false;
        }

        var target = line[(firstSpace + 1)..lastSpace];
        var version = line[(lastSpace + 1)..];
        if (target.ContainsAny(BadValueBytes) || target.Contains((byte)' ') || target.Contains((byte)'\t'))
        {
            return false;
        }

        http10 = version.SequenceEqual("HTTP/1.0"u8);
        isConnect = line[..firstSpace].SequenceEqual("CONNECT"u8);
        return http10 || version.SequenceEqual("HTTP/1.1"u8);
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18 || value.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return false;
        }

        foreach (var digit in value)
        {
            length = (length * 10) + (digit - '0');
        }

        return true;
    }
}
