using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Tls.Certificates;
using k8s.Models;

namespace Injector.Testing;

/// <summary>
/// The one test CA of every test project, and the certificates and Secrets tests need, generated in code (no
/// committed keys): serving and client leaves, good, expired, expiring, mismatched, broken-chain and not-a-CA variants.
/// </summary>
public sealed class TestPki : IDisposable
{
    public TestPki(TimeProvider? time = null)
        : this("tls-injector test CA", time)
    {
    }

    /// <summary>A CA named <paramref name="name"/>, for tests that need two unrelated authorities.</summary>
    public TestPki(string name, TimeProvider? time = null)
    {
        Now = (time ?? TimeProvider.System).GetUtcNow();
        Ca = CertificateGenerator.CreateCertificateAuthority(name, Now.AddDays(-365), Now.AddYears(5));
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

    /// <summary>A serving leaf for <c>localhost</c> and 127.0.0.1 (plus <paramref name="dnsNames"/>), as a test server presents it.</summary>
    public X509Certificate2 IssueServer(string commonName = "localhost", params string[] dnsNames)
        => CertificateGenerator.Issue(Ca, new LeafSpec
        {
            CommonName = commonName,
            DnsNames = ["localhost", .. dnsNames],
            IpAddresses = [IPAddress.Loopback],
            NotBefore = Now.AddDays(-1),
            NotAfter = Now.AddDays(30),
        });

    /// <summary>A serving leaf named like a Service (<c>name</c>, <c>name.cluster.local</c>, <c>localhost</c>, 127.0.0.1).</summary>
    public X509Certificate2 Server(string commonName = "app.demo.svc", DateTimeOffset? notAfter = null, DateTimeOffset? notBefore = null)
        => CertificateGenerator.Issue(Ca, new LeafSpec
        {
            CommonName = commonName,
            DnsNames = [commonName, commonName + ".cluster.local", "localhost"],
            IpAddresses = [IPAddress.Loopback],
            NotAfter = notAfter ?? DateTimeOffset.UtcNow.AddDays(10),
            NotBefore = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5),
        });

    /// <summary>A client leaf (clientAuth only) with optional DNS and URI SANs.</summary>
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

    /// <summary>Writes <c>tls.crt</c> and <c>tls.key</c> of <paramref name="leaf"/> into <paramref name="directory"/>, as a mounted Secret holds them.</summary>
    public static void WriteSecretFiles(string directory, X509Certificate2 leaf)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "tls.crt"), CertificateGenerator.ToCertificatePem(leaf));
        File.WriteAllText(Path.Combine(directory, "tls.key"), CertificateGenerator.ToPrivateKeyPem(leaf));
    }

    /// <summary>True when <paramref name="certificate"/> chains to <see cref="Ca"/>.</summary>
    public bool Trusts(X509Certificate2 certificate) => Chains(certificate, Ca);

    public static bool Chains(X509Certificate2 certificate, X509Certificate2 root)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

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
