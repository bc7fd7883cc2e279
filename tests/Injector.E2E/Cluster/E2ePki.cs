using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Tls.Certificates;
using k8s.Models;

namespace Injector.E2E.Cluster;

/// <summary>
/// Certificates for one test run, generated in code (nothing is committed): a server CA, a client CA whose
/// <c>good-client</c> and <c>unlisted-client</c> leaves it signs, and a foreign CA whose client nobody trusts.
/// </summary>
public sealed class E2ePki : IDisposable
{
    public const string GoodClient = "good-client";
    public const string UnlistedClient = "unlisted-client";

    public E2ePki()
    {
        ServerCa = CertificateGenerator.CreateCertificateAuthority("tls-injector e2e server CA", TimeSpan.FromDays(2));
        ClientCa = CertificateGenerator.CreateCertificateAuthority("tls-injector e2e client CA", TimeSpan.FromDays(2));
        ForeignCa = CertificateGenerator.CreateCertificateAuthority("tls-injector e2e foreign CA", TimeSpan.FromDays(2));
        GoodClientCertificate = IssueClient(ClientCa, GoodClient);
        UnlistedClientCertificate = IssueClient(ClientCa, UnlistedClient);
        ForeignClientCertificate = IssueClient(ForeignCa, GoodClient);
    }

    public X509Certificate2 ServerCa { get; }

    public X509Certificate2 ClientCa { get; }

    public X509Certificate2 ForeignCa { get; }

    public X509Certificate2 GoodClientCertificate { get; }

    public X509Certificate2 UnlistedClientCertificate { get; }

    /// <summary>CN good-client, but signed by a CA the server does not trust.</summary>
    public X509Certificate2 ForeignClientCertificate { get; }

    /// <summary>A serving certificate for Service <paramref name="service"/> in <paramref name="ns"/>, with a CN that tells rotations apart.</summary>
    public X509Certificate2 IssueServer(string service, string ns, string commonName) =>
        CertificateGenerator.Issue(ServerCa, new LeafSpec
        {
            CommonName = commonName,
            DnsNames = [service, $"{service}.{ns}", $"{service}.{ns}.svc", $"{service}.{ns}.svc.cluster.local"],
            NotAfter = DateTimeOffset.UtcNow.AddDays(1),
        });

    /// <summary>A <c>kubernetes.io/tls</c> Secret, as cert-manager writes it (tls.crt, tls.key, ca.crt).</summary>
    public static V1Secret TlsSecret(string name, X509Certificate2 certificate, X509Certificate2 issuer) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.ASCII.GetBytes(CertificateGenerator.ToCertificatePem(certificate)),
            ["tls.key"] = Encoding.ASCII.GetBytes(CertificateGenerator.ToPrivateKeyPem(certificate)),
            ["ca.crt"] = Encoding.ASCII.GetBytes(CertificateGenerator.ToCertificatePem(issuer)),
        },
    };

    /// <summary>An Opaque Secret holding only <c>ca.crt</c>, the shape <c>tls-injector.io/client-ca-secret</c> expects.</summary>
    public static V1Secret CaSecret(string name, X509Certificate2 ca) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Type = "Opaque",
        Data = new Dictionary<string, byte[]> { ["ca.crt"] = Encoding.ASCII.GetBytes(CertificateGenerator.ToCertificatePem(ca)) },
    };

    public void Dispose()
    {
        foreach (var certificate in new[] { ServerCa, ClientCa, ForeignCa, GoodClientCertificate, UnlistedClientCertificate, ForeignClientCertificate })
        {
            certificate.Dispose();
        }
    }

    private static X509Certificate2 IssueClient(X509Certificate2 ca, string commonName) =>
        CertificateGenerator.Issue(ca, new LeafSpec
        {
            CommonName = commonName,
            DnsNames = [commonName],
            ServerAuth = false,
            ClientAuth = true,
            NotAfter = DateTimeOffset.UtcNow.AddDays(1),
        });
}
