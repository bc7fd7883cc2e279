using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Tls.Certificates;

namespace Injector.Proxy.Identity;

/// <summary>
/// A PROXY protocol v2 header (haproxy's proxy-protocol.txt §2.2): the client's and the listener's address, then a
/// <c>PP2_TYPE_SSL</c> TLV saying the client came over TLS, whether it sent a certificate that verified, the TLS
/// version, the cipher and the certificate's CN, plus sub-TLVs of our own (types 0xE0–0xE2) for the full subject
/// and each DNS and URI SAN.
/// </summary>
internal static class ProxyProtocolHeader
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private const byte VersionLocal = 0x20;
    private const byte VersionProxy = 0x21;
    private const byte TcpOverIPv4 = 0x11;
    private const byte TcpOverIPv6 = 0x21;
    private const byte Unspecified = 0x00;

    public const byte TypeSsl = 0x20;
    public const byte SubtypeSslVersion = 0x21;
    public const byte SubtypeSslCn = 0x22;
    public const byte SubtypeSslCipher = 0x23;

    /// <summary>The certificate subject in RFC 4514 form (our own sub-type, in the range the spec leaves to applications).</summary>
    public const byte SubtypeSslSubject = 0xE0;

    /// <summary>One DNS subject alternative name (our own sub-type).</summary>
    public const byte SubtypeSslDns = 0xE1;

    /// <summary>One URI subject alternative name, e.g. a SPIFFE ID (our own sub-type).</summary>
    public const byte SubtypeSslUri = 0xE2;

    public const byte ClientSsl = 0x01;
    public const byte ClientCertConnection = 0x02;

    private const int MaxLength = ushort.MaxValue;

    /// <summary>
    /// The header of a connection the proxy opens itself (a health check): command LOCAL, no addresses; the receiver
    /// uses the connection's own.
    /// </summary>
    public static byte[] Local()
    {
        var header = new byte[Signature.Length + 4];
        Signature.CopyTo(header, 0);
        header[12] = VersionLocal;
        header[13] = Unspecified;
        return header;
    }

    /// <summary>
    /// The header for a connection from <paramref name="source"/> to <paramref name="destination"/>;
    /// <paramref name="client"/> is the verified client certificate, or null when the client sent none.
    /// </summary>
    public static byte[] Build(IPEndPoint source, IPEndPoint destination, X509Certificate2? client, SslProtocols protocol, TlsCipherSuite cipher)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var body = new ArrayBufferWriter<byte>(256);
        var family = WriteAddresses(body, Unmap(source), Unmap(destination));
        WriteSsl(body, client, protocol, cipher);

        var header = new byte[Signature.Length + 4 + body.WrittenCount];
        Signature.CopyTo(header, 0);
        header[12] = VersionProxy;
        header[13] = family;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)body.WrittenCount);
        body.WrittenSpan.CopyTo(header.AsSpan(16));
        return header;
    }

    private static IPEndPoint Unmap(IPEndPoint endPoint)
        => endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private static byte WriteAddresses(ArrayBufferWriter<byte> body, IPEndPoint source, IPEndPoint destination)
    {
        if (source.AddressFamily != destination.AddressFamily)
        {
            // Cannot be said in one address block; the receiver then uses the connection's own addresses.
            return Unspecified;
        }

        var size = source.AddressFamily == AddressFamily.InterNetwork ? 4 : 16;
        var span = body.GetSpan(2 * size + 4);
        source.Address.TryWriteBytes(span, out _);
        destination.Address.TryWriteBytes(span[size..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(span[(2 * size)..], (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(span[(2 * size + 2)..], (ushort)destination.Port);
        body.Advance(2 * size + 4);
        return size == 4 ? TcpOverIPv4 : TcpOverIPv6;
    }

    private static void WriteSsl(ArrayBufferWriter<byte> body, X509Certificate2? client, SslProtocols protocol, TlsCipherSuite cipher)
    {
        var ssl = new ArrayBufferWriter<byte>(256);

        // The header's length is 16 bits: names that would not fit are left out rather than failing the connection.
        var budget = MaxLength - body.WrittenCount - 3;
        void Add(byte type, string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            if (ssl.WrittenCount + 3 + bytes.Length <= budget)
            {
                WriteTlv(ssl, type, bytes);
            }
        }

        // client flags, then verify: 0 only when the client sent a certificate and it verified (failed ones never get here).
        var head = ssl.GetSpan(5);
        head[0] = (byte)(ClientSsl | (client is null ? 0 : ClientCertConnection));
        BinaryPrimitives.WriteUInt32BigEndian(head[1..], client is null ? 1u : 0u);
        ssl.Advance(5);

        Add(SubtypeSslVersion, protocol == SslProtocols.Tls13 ? "TLSv1.3" : "TLSv1.2");
        Add(SubtypeSslCipher, cipher.ToString());
        if (client is not null)
        {
            var names = CertificateNames.Read(client);
            if (names.CommonName is { } cn)
            {
                Add(SubtypeSslCn, cn);
            }

            Add(SubtypeSslSubject, DistinguishedName.Format(client.SubjectName));
            foreach (var dns in names.DnsNames)
            {
                Add(SubtypeSslDns, dns);
            }

            foreach (var uri in names.Uris)
            {
                Add(SubtypeSslUri, uri);
            }
        }

        WriteTlv(body, TypeSsl, ssl.WrittenSpan);
    }

    private static void WriteTlv(ArrayBufferWriter<byte> into, byte type, ReadOnlySpan<byte> value)
    {
        var span = into.GetSpan(3 + value.Length);
        span[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value.Length);
        value.CopyTo(span[3..]);
        into.Advance(3 + value.Length);
    }
}
