using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Tls.Certificates;

namespace Injector.Core.Validation;

/// <summary>
/// What a client CA Secret's <c>ca.crt</c> says whatever the time: each certificate's subject, validity window and
/// CA-ness, or why it does not parse. The validity window is judged at admission.
/// </summary>
internal sealed record ClientCaAnalysis
{
    public IReadOnlyList<Authority> Authorities { get; init; } = [];

    public string? ParseError { get; init; }

    /// <summary>One certificate of <c>ca.crt</c>.</summary>
    public sealed record Authority(string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool IsCa);

    /// <summary>Analyses a Secret that has a <c>ca.crt</c>.</summary>
    public static ClientCaAnalysis Analyse(string secretNamespace, string secretName, IReadOnlyDictionary<string, byte[]> data)
    {
        X509Certificate2Collection cas;
        try
        {
            cas = PemCertificateLoader.ParseCertificates(Encoding.UTF8.GetString(data[PemCertificateLoader.CaFileName]), $"Secret \"{secretNamespace}/{secretName}\" ca.crt");
        }
        catch (CertificateLoadException ex)
        {
            return new ClientCaAnalysis { ParseError = ex.Message };
        }

        var authorities = cas.Select(ca => new Authority(
            ca.Subject,
            new DateTimeOffset(ca.NotBefore.ToUniversalTime()),
            new DateTimeOffset(ca.NotAfter.ToUniversalTime()),
            ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true })).ToList();
        foreach (var ca in cas)
        {
            ca.Dispose();
        }

        return new ClientCaAnalysis { Authorities = authorities };
    }
}
