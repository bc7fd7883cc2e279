using System.Net;
using System.Security.Cryptography.X509Certificates;
using Injector.Tls.Certificates;

namespace Injector.Webhook.Certificates;

/// <summary>A fresh CA and a serving leaf signed by it, for <c>--self-signed</c> runs and the bootstrap placeholder.</summary>
internal static class SelfSignedCertificates
{
    public static (X509Certificate2 Authority, X509Certificate2 Leaf) Create(IReadOnlyList<string> dnsNames, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var authority = CertificateGenerator.CreateCertificateAuthority("tls-injector webhook self-signed CA", now.AddMinutes(-5), now.AddDays(365));
        try
        {
            var leaf = CertificateGenerator.Issue(authority, new LeafSpec
            {
                CommonName = dnsNames.Count > 0 ? dnsNames[0] : "localhost",
                DnsNames = dnsNames,
                IpAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback],
                NotBefore = now.AddMinutes(-5),
                NotAfter = now.AddDays(365),
            });
            return (authority, leaf);
        }
        catch
        {
            authority.Dispose();
            throw;
        }
    }
}
