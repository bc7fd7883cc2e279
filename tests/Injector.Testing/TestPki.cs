using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Tls.Certificates;
using k8s.Models;

namespace Injector.Testing;

/// <summary>
/// A test CA and the Secrets tests need, generated in code (no committed keys): good, expired, expiring,
/// mismatched, broken-chain and not-a-CA variants.
/// </summary>
public sealed class TestPki : IDisposable
{
    public TestPki(TimeProvider? time = null)
    {
        Now = (time ?? TimeProvider.System).GetUtcNow();
        Ca = CertificateGenerator.CreateCertificateAuthority("tls-injector test CA", Now.AddDays(-365), Now.AddYears(5));
        OtherCa = CertificateGenerator.CreateCertificateAuthority("unrelated CA", Now.AddDays(-365), Now.AddYears(5));
    }

    public DateTimeOffset Now { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 OtherCa { get; }

    public string CaPem => CertificateGenerator.ToCertificatePem(Ca);

    public X509Certificate2 Issue(string commonName, TimeSpan? lifetime = null, X509Certificate2? issuer = null, IReadOnlyList<string>? dnsNames = null, bool clientAuth = false, IReadOnlyList<Uri>? uris = null, DateTimeOffset? notBefore = null)
        => CertificateGenerator.Issue(issuer ?? Ca, new LeafSpec
        {
            CommonName = commonName,
            DnsNames = dnsNames ?? [commonName],
            Uris = uris ?? [],
            NotBefore = notBefore ?? Now.AddDays(-1),
            NotAfter = Now + (lifetime ?? TimeSpan.FromDays(90)),
            ClientAuth = clientAuth,
            ServerAuth = !clientAuth,
        });

    /// <summary>A kubernetes.io/tls Secret; <paramref name="data"/> entries override or (with null) remove keys.</summary>
    public static V1Secret Secret(string ns, string name, IReadOnlyDictionary<string, string?> data) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Type = "kubernetes.io/tls",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Data = data.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value!)),
    };

    /// <summary>tls.crt, tls.key and ca.crt for a leaf issued by <see cref="Ca"/>.</summary>
    public Dictionary<string, string?> ServerData(X509Certificate2 leaf, string? caPem = null) => new()
    {
        ["tls.crt"] = CertificateGenerator.ToCertificatePem(leaf),
        ["tls.key"] = CertificateGenerator.ToPrivateKeyPem(leaf),
        ["ca.crt"] = caPem ?? CaPem,
    };

    public void Dispose()
    {
        Ca.Dispose();
        OtherCa.Dispose();
    }
}
