using System.Security.Cryptography.X509Certificates;
using Injector.Tls.Certificates;

namespace Injector.Proxy.Tests.Support;

/// <summary>A CA and leaves made in the test run (no key is committed), with the names the tests need.</summary>
internal sealed class TestPki : IDisposable
{
    public TestPki(string name = "tls-proxy test CA")
    {
        Ca = CertificateGenerator.CreateCertificateAuthority(name, DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server(string commonName = "app.demo.svc", DateTimeOffset? notAfter = null, DateTimeOffset? notBefore = null)
        => CertificateGenerator.Issue(Ca, new LeafSpec
        {
            CommonName = commonName,
            DnsNames = [commonName, commonName + ".cluster.local", "localhost"],
            IpAddresses = [System.Net.IPAddress.Loopback],
            NotAfter = notAfter ?? DateTimeOffset.UtcNow.AddDays(10),
            NotBefore = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5),
        });

    public X509Certificate2 Client(string commonName, string[]? dns = null, string[]? uris = null, DateTimeOffset? notAfter = null, DateTimeOffset? notBefore = null)
        => CertificateGenerator.Issue(Ca, new LeafSpec
        {
            CommonName = commonName,
            DnsNames = dns ?? [],
            Uris = (uris ?? []).Select(u => new Uri(u)).ToList(),
            ServerAuth = false,
            ClientAuth = true,
            NotAfter = notAfter ?? DateTimeOffset.UtcNow.AddDays(10),
            NotBefore = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5),
        });

    public void Dispose() => Ca.Dispose();
}
