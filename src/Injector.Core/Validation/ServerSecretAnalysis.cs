using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Tls.Certificates;

namespace Injector.Core.Validation;

/// <summary>
/// What a server Secret's <c>tls.crt</c>, <c>tls.key</c> and <c>ca.crt</c> say whatever the time: whether they
/// load, the leaf's usages and whether its chain leads to <c>ca.crt</c>. The validity window is judged at admission.
/// </summary>
internal sealed record ServerSecretAnalysis
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>The certificate with its key and chain; null when <see cref="LoadError"/> says why not.</summary>
    public LoadedCertificate? Certificate { get; init; }

    public string? LoadError { get; init; }

    /// <summary>False when the leaf has an extended key usage without serverAuth.</summary>
    public bool AllowsServerAuth { get; init; } = true;

    /// <summary>Why a non-empty <c>ca.crt</c> does not parse.</summary>
    public string? CaError { get; init; }

    /// <summary>Why the chain does not lead to <c>ca.crt</c>; null when it does or there is no <c>ca.crt</c>.</summary>
    public string? ChainError { get; init; }

    /// <summary>Analyses a Secret that has both <c>tls.crt</c> and <c>tls.key</c>.</summary>
    public static ServerSecretAnalysis Analyse(string secretNamespace, string secretName, IReadOnlyDictionary<string, byte[]> data)
    {
        LoadedCertificate certificate;
        try
        {
            certificate = PemCertificateLoader.LoadServer(Text(data, PemCertificateLoader.CertificateFileName), Text(data, PemCertificateLoader.KeyFileName), $"Secret \"{secretNamespace}/{secretName}\"");
        }
        catch (CertificateLoadException ex)
        {
            return new ServerSecretAnalysis { LoadError = ex.Message };
        }

        var analysis = new ServerSecretAnalysis
        {
            Certificate = certificate,
            AllowsServerAuth = certificate.Leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is not { } eku
                || eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == ServerAuthOid),
        };
        if (!data.TryGetValue(PemCertificateLoader.CaFileName, out var caBytes) || caBytes.Length == 0)
        {
            return analysis;
        }

        X509Certificate2Collection roots;
        try
        {
            roots = PemCertificateLoader.ParseCertificates(Encoding.UTF8.GetString(caBytes), "ca.crt");
        }
        catch (CertificateLoadException ex)
        {
            return analysis with { CaError = ex.Message };
        }

        try
        {
            return analysis with { ChainError = BuildChain(certificate, roots) };
        }
        finally
        {
            foreach (var root in roots)
            {
                root.Dispose();
            }
        }
    }

    // Expiry is judged at admission, once; leaving it out of the chain is what lets this verdict be kept.
    private static string? BuildChain(LoadedCertificate certificate, X509Certificate2Collection roots)
        => CertificateChains.Problems(certificate.Leaf, certificate.Intermediates, roots) is { } problems ? string.Join("; ", problems) : null;

    private static string Text(IReadOnlyDictionary<string, byte[]> data, string key) => Encoding.UTF8.GetString(data[key]);
}
