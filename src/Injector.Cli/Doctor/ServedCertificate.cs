using System.Security.Cryptography.X509Certificates;

namespace Injector.Cli.Doctor;

/// <summary>
/// The webhook's serving certificate, with any intermediates sent alongside it, and where it was read
/// (<paramref name="Source"/>, e.g. <c>https://127.0.0.1:8443</c> or <c>Secret tls-injector/tls-injector-webhook-tls</c>).
/// </summary>
internal sealed record ServedCertificate(X509Certificate2 Leaf, X509Certificate2Collection Intermediates, string Source) : IDisposable
{
    public void Dispose()
    {
        Leaf.Dispose();
        foreach (var certificate in Intermediates)
        {
            certificate.Dispose();
        }
    }
}
