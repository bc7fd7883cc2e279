using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Injector.Tls.Certificates;

/// <summary>
/// The names a certificate vouches for: its subject common name and its DNS and URI subject alternative names.
/// .NET exposes DNS SANs but not URI SANs (SPIFFE IDs), so the SAN extension is read here with an ASN.1 reader.
/// </summary>
public sealed record CertificateNames(string? CommonName, IReadOnlyList<string> DnsNames, IReadOnlyList<string> Uris)
{
    private const string SubjectAltNameOid = "2.5.29.17";

    // GeneralName choices of RFC 5280 §4.2.1.6: dNSName [2] IA5String, uniformResourceIdentifier [6] IA5String.
    private static readonly Asn1Tag DnsNameTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>Reads the names; a malformed SAN extension yields no SANs rather than an exception.</summary>
    public static CertificateNames Read(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        var dns = new List<string>();
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }

            try
            {
                var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
                var names = reader.ReadSequence();
                while (names.HasData)
                {
                    var tag = names.PeekTag();
                    if (tag.HasSameClassAndValue(DnsNameTag))
                    {
                        dns.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, DnsNameTag));
                    }
                    else if (tag.HasSameClassAndValue(UriTag))
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                // A certificate that passed chain verification with a SAN we cannot read simply matches no SAN rule.
            }
        }

        return new CertificateNames(string.IsNullOrEmpty(cn) ? null : cn, dns, uris);
    }

    /// <summary>A short, log-friendly rendering: <c>cn=...,dns=...,uri=...</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>(1 + DnsNames.Count + Uris.Count);
        if (CommonName is not null)
        {
            parts.Add("cn=" + CommonName);
        }

        parts.AddRange(DnsNames.Select(d => "dns=" + d));
        parts.AddRange(Uris.Select(u => "uri=" + u));
        return string.Join(',', parts);
    }
}
