using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Injector.Proxy.Tests.Support;

namespace Injector.Proxy.Tests.Identity;

/// <summary>
/// proxy-protocol mode through real sockets and certificates: the app (an echo app) receives a PROXY v2 header, read
/// back here with a parser written from haproxy's proxy-protocol.txt, then the client's bytes.
/// </summary>
public sealed class ProxyProtocolTests(IdentityFixture identity) : IClassFixture<IdentityFixture>
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    [Fact]
    public async Task AppReadsTheClientAddressAndVerifiedCertificate_ThenTheStream()
    {
        await using var app = new EchoApp();
        await using var proxy = identity.Start(app.Port, "proxy-protocol");
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(proxy.TlsEndPoint);
        var clientEndPoint = Assert.IsType<IPEndPoint>(socket.LocalEndPoint);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        await tls.AuthenticateAsClientAsync(identity.ClientOptions());

        var header = await ReadHeaderAsync(tls);

        Assert.Equal(0x21, header.VersionCommand);
        Assert.Equal(0x11, header.Family);
        Assert.Equal(clientEndPoint, header.Source);
        Assert.Equal(proxy.TlsEndPoint, header.Destination);
        var ssl = Assert.Single(header.Tlvs, t => t.Type == 0x20).Value;
        Assert.Equal(0x03, ssl[0]); // PP2_CLIENT_SSL | PP2_CLIENT_CERT_CONN
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(ssl.AsSpan(1))); // verified
        var subs = ParseTlvs(ssl.AsSpan(5));
        Assert.Equal("frontend", Text(subs, 0x22));
        Assert.Equal("CN=frontend", Text(subs, 0xE0));
        Assert.Equal(IdentityFixture.Dns, Text(subs, 0xE1));
        Assert.Equal(IdentityFixture.Spiffe, Text(subs, 0xE2));
        Assert.StartsWith("TLSv1.", Text(subs, 0x21), StringComparison.Ordinal);
        Assert.StartsWith("TLS_", Text(subs, 0x23), StringComparison.Ordinal);

        Assert.Equal("after the header\n", await ProxyHarness.EchoAsync(tls, "after the header\n"));
    }

    [Fact]
    public async Task OptionalMtls_ClientWithoutCertificate_IsMarkedUnverified_AndNamesNobody()
    {
        await using var app = new EchoApp();
        await using var proxy = identity.Start(app.Port, "proxy-protocol", mtls: "optional");
        await using var tls = await proxy.ConnectAsync(identity.ClientOptions(withCertificate: false));

        var header = await ReadHeaderAsync(tls);

        var ssl = Assert.Single(header.Tlvs, t => t.Type == 0x20).Value;
        Assert.Equal(0x01, ssl[0]);
        Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32BigEndian(ssl.AsSpan(1)));
        var subs = ParseTlvs(ssl.AsSpan(5));
        Assert.DoesNotContain(subs, t => t.Type is 0x22 or 0xE0 or 0xE1 or 0xE2);
    }

    [Fact]
    public async Task AppProbe_OpensItsConnectionWithALocalHeader_SoAnAppThatRequiresOneAnswers()
    {
        // An app that, like nginx with `listen ... proxy_protocol`, drops a connection that does not start with a header.
        await using var app = new EchoApp(async (socket, ct) =>
        {
            var header = new byte[16];
            await socket.ReceiveAsync(header, SocketFlags.None, ct);
            if (header.AsSpan(0, 12).SequenceEqual(Signature) && header[12] == 0x20 && header[13] == 0 && header[14] == 0 && header[15] == 0)
            {
                await socket.ReceiveAsync(new byte[4096], SocketFlags.None, ct);
                await socket.SendAsync("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
            }
        });
        await using var proxy = identity.Start(app.Port, "proxy-protocol", appProbes: $$$"""{"/app-health/app/readyz":{"port":{{{app.Port}}},"path":"/ready"}}""");

        var (status, _) = await proxy.GetHealthAsync("/app-health/app/readyz");

        Assert.Equal(204, status);
    }

    /// <summary>Sends nothing, and reads what the app echoes: the header the proxy wrote before any client byte.</summary>
    private static async Task<Header> ReadHeaderAsync(Stream tls)
    {
        // The echo app sends back what it got, so the header is the first thing the client reads.
        var fixedPart = new byte[16];
        await tls.ReadExactlyAsync(fixedPart).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Signature, fixedPart[..12]);
        var rest = new byte[BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(14))];
        await tls.ReadExactlyAsync(rest).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0x11, fixedPart[13]);
        var source = new IPEndPoint(new IPAddress(rest[..4]), BinaryPrimitives.ReadUInt16BigEndian(rest.AsSpan(8)));
        var destination = new IPEndPoint(new IPAddress(rest[4..8]), BinaryPrimitives.ReadUInt16BigEndian(rest.AsSpan(10)));
        return new Header(fixedPart[12], fixedPart[13], source, destination, ParseTlvs(rest.AsSpan(12)));
    }

    private static List<Tlv> ParseTlvs(ReadOnlySpan<byte> bytes)
    {
        var tlvs = new List<Tlv>();
        while (!bytes.IsEmpty)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]);
            tlvs.Add(new Tlv(bytes[0], bytes.Slice(3, length).ToArray()));
            bytes = bytes[(3 + length)..];
        }

        return tlvs;
    }

    private static string Text(List<Tlv> tlvs, byte type) => Encoding.UTF8.GetString(Assert.Single(tlvs, t => t.Type == type).Value);

    private sealed record Tlv(byte Type, byte[] Value);

    private sealed record Header(byte VersionCommand, byte Family, IPEndPoint Source, IPEndPoint Destination, List<Tlv> Tlvs);
}
