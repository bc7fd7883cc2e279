using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Injector.Tls.Certificates;

/// <summary>
/// Makes certificates in code: an ECDSA P-256 CA and leaves signed by it. The same code serves
/// <c>tls-injector certs</c>, the webhook's <c>--self-signed</c> mode and the tests, so no key is ever committed.
/// </summary>
public static class CertificateGenerator
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>A self-signed CA certificate (with its private key) valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public static X509Certificate2 CreateCertificateAuthority(string commonName, DateTimeOffset notBefore, DateTimeOffset notAfter, int pathLength = 1)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>A CA valid for <paramref name="lifetime"/> from now.</summary>
    public static X509Certificate2 CreateCertificateAuthority(string commonName, TimeSpan lifetime, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        return CreateCertificateAuthority(commonName, now.AddMinutes(-5), now + lifetime);
    }

    /// <summary>Issues a leaf certificate, with its private key, signed by <paramref name="issuer"/>.</summary>
    public static X509Certificate2 Issue(X509Certificate2 issuer, LeafSpec spec)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(spec);
        using var ecKey = spec.Algorithm == KeyAlgorithm.EcdsaP256 ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        using var rsaKey = spec.Algorithm == KeyAlgorithm.Rsa2048 ? RSA.Create(2048) : null;
        var subject = new X500DistinguishedName($"CN={spec.CommonName}");
        var request = ecKey is not null
            ? new CertificateRequest(subject, ecKey, HashAlgorithmName.SHA256)
            : new CertificateRequest(subject, rsaKey!, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(spec.IsCertificateAuthority, false, 0, true));
        var usage = spec.IsCertificateAuthority
            ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature
            : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        if (!spec.IsCertificateAuthority)
        {
            var ekus = new OidCollection();
            if (spec.ServerAuth)
            {
                ekus.Add(new Oid(ServerAuthOid));
            }

            if (spec.ClientAuth)
            {
                ekus.Add(new Oid(ClientAuthOid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ekus, false));
        }

        var sans = new SubjectAlternativeNameBuilder();
        var hasSan = false;
        foreach (var dns in spec.DnsNames)
        {
            sans.AddDnsName(dns);
            hasSan = true;
        }

        foreach (var ip in spec.IpAddresses)
        {
            sans.AddIpAddress(ip);
            hasSan = true;
        }

        foreach (var uri in spec.Uris)
        {
            sans.AddUri(uri);
            hasSan = true;
        }

        if (hasSan)
        {
            request.CertificateExtensions.Add(sans.Build());
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number, as RFC 5280 asks
        // A leaf cannot outlive its issuer or predate it (CertificateRequest.Create throws); clamp to the issuer's window.
        var notAfter = spec.NotAfter < issuer.NotAfter ? spec.NotAfter : new DateTimeOffset(issuer.NotAfter.ToUniversalTime());
        var notBefore = spec.NotBefore > issuer.NotBefore ? spec.NotBefore : new DateTimeOffset(issuer.NotBefore.ToUniversalTime());
        using var signed = request.Create(issuer, notBefore, notAfter, serial);
        return ecKey is not null ? signed.CopyWithPrivateKey(ecKey) : signed.CopyWithPrivateKey(rsaKey!);
    }

    /// <summary>The certificate as a PEM block.</summary>
    public static string ToCertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return PemEncoding.WriteString("CERTIFICATE", certificate.RawData) + "\n";
    }

    /// <summary>The private key as PEM: PKCS#8 by default, or the traditional PKCS#1/SEC1 form.</summary>
    public static string ToPrivateKeyPem(X509Certificate2 certificate, bool traditional = false)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.GetECDsaPrivateKey() is { } ec)
        {
            using (ec)
            {
                return (traditional ? ec.ExportECPrivateKeyPem() : ec.ExportPkcs8PrivateKeyPem()) + "\n";
            }
        }

        using var rsa = certificate.GetRSAPrivateKey() ?? throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        return (traditional ? rsa.ExportRSAPrivateKeyPem() : rsa.ExportPkcs8PrivateKeyPem()) + "\n";
    }
}

/// <summary>What to put in a leaf certificate. Defaults: ECDSA P-256, server auth, valid for 90 days from now.</summary>
public sealed record LeafSpec
{
    public required string CommonName { get; init; }

    public IReadOnlyList<string> DnsNames { get; init; } = [];

    public IReadOnlyList<IPAddress> IpAddresses { get; init; } = [];

    public IReadOnlyList<Uri> Uris { get; init; } = [];

    public DateTimeOffset NotBefore { get; init; } = DateTimeOffset.UtcNow.AddMinutes(-5);

    public DateTimeOffset NotAfter { get; init; } = DateTimeOffset.UtcNow.AddDays(90);

    public bool ServerAuth { get; init; } = true;

    public bool ClientAuth { get; init; }

    /// <summary>Issue an (intermediate) CA instead of an end-entity certificate.</summary>
    public bool IsCertificateAuthority { get; init; }

    public KeyAlgorithm Algorithm { get; init; } = KeyAlgorithm.EcdsaP256;
}

/// <summary>Key types the generator makes.</summary>
public enum KeyAlgorithm
{
    EcdsaP256,
    Rsa2048,
}
