using System.Buffers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Tls.Certificates;

namespace Injector.Proxy.Identity;

/// <summary>
/// The <c>X-Forwarded-Client-Cert</c> header in Envoy's format: <c>By</c> (this proxy's URI SANs), <c>Hash</c>
/// (SHA-256 of the client certificate's DER, hex), <c>Subject</c> (RFC 4514, always quoted), then one <c>URI</c> and
/// one <c>DNS</c> pair per SAN, separated by ';'.
/// </summary>
internal static class ForwardedClientCert
{
    public const string HeaderName = "X-Forwarded-Client-Cert";

    private static readonly SearchValues<char> NeedQuotes = SearchValues.Create(",;=\" \t\\");

    /// <summary>The value for a verified <paramref name="client"/> reaching a proxy that serves <paramref name="server"/>.</summary>
    public static string Value(X509Certificate2 client, X509Certificate2? server)
    {
        ArgumentNullException.ThrowIfNull(client);
        var pairs = new List<string>();
        if (server is not null)
        {
            pairs.AddRange(CertificateNames.Read(server).Uris.Select(uri => "By=" + Quote(uri)));
        }

        pairs.Add("Hash=" + Convert.ToHexStringLower(SHA256.HashData(client.RawDataMemory.Span)));
        // RFC 4514 already escapes '"' and '\' with a backslash, so the subject is quoted as it is (as Envoy does).
        pairs.Add("Subject=\"" + DistinguishedName.Format(client.SubjectName) + "\"");
        var names = CertificateNames.Read(client);
        pairs.AddRange(names.Uris.Select(uri => "URI=" + Quote(uri)));
        pairs.AddRange(names.DnsNames.Select(dns => "DNS=" + Quote(dns)));
        return string.Join(';', pairs);
    }

    /// <summary>The header line, <c>NAME: VALUE\r\n</c>, as it is inserted into a request head.</summary>
    public static byte[] HeaderLine(string value) => Encoding.UTF8.GetBytes($"{HeaderName}: {value}\r\n");

    /// <summary>
    /// Quotes a value that holds a separator (<c>,;="</c>) or whitespace; inside quotes '"' and '\' are escaped.
    /// Control characters (a SAN is any IA5String) are percent-encoded, so no value can end the header line.
    /// </summary>
    private static string Quote(string value)
    {
        if (value.Any(char.IsControl))
        {
            value = string.Concat(value.Select(c => char.IsControl(c) ? $"%{(int)c:X2}" : c.ToString()));
        }

        if (value.AsSpan().IndexOfAny(NeedQuotes) < 0)
        {
            return value;
        }

        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
