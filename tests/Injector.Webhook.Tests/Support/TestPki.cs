using System.Net;
using System.Security.Cryptography.X509Certificates;
using Injector.Tls.Certificates;

namespace Injector.Webhook.Tests.Support;

/// <summary>A CA made in the test and the certificates it signs; nothing is read from disk or committed.</summary>
internal sealed class TestPki : IDisposable
{
    public X509Certificate2 Authority { get; } = CertificateGenerator.CreateCertificateAuthority("webhook test CA " + Guid.NewGuid().ToString("N")[..8], TimeSpan.FromDays(30));

    /// <summary>A serving leaf for localhost and 127.0.0.1 (plus <paramref name="dnsNames"/>).</summary>
    public X509Certificate2 IssueServer(string commonName = "localhost", params string[] dnsNames)
        => CertificateGenerator.Issue(Authority, new LeafSpec
        {
            CommonName = commonName,
            DnsNames = ["localhost", .. dnsNames],
            IpAddresses = [IPAddress.Loopback],
        });

    /// <summary>Writes <c>tls.crt</c> and <c>tls.key</c> of <paramref name="leaf"/> into <paramref name="directory"/>.</summary>
    public static void WriteSecretFiles(string directory, X509Certificate2 leaf)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "tls.crt"), CertificateGenerator.ToCertificatePem(leaf));
        File.WriteAllText(Path.Combine(directory, "tls.key"), CertificateGenerator.ToPrivateKeyPem(leaf));
    }

    /// <summary>True when <paramref name="certificate"/> chains to <see cref="Authority"/>.</summary>
    public bool Trusts(X509Certificate2 certificate) => Chains(certificate, Authority);

    public static bool Chains(X509Certificate2 certificate, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public void Dispose() => Authority.Dispose();
}
