using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Injector.Tls.Certificates;

/// <summary>A parsed server certificate with its private key and chain, ready for <see cref="SslStream"/>.</summary>
public sealed class LoadedCertificate(X509Certificate2 leaf, X509Certificate2Collection intermediates)
{
    /// <summary>The leaf certificate, with its private key.</summary>
    public X509Certificate2 Leaf { get; } = leaf;

    /// <summary>The rest of <c>tls.crt</c>: intermediates sent along in the handshake.</summary>
    public X509Certificate2Collection Intermediates { get; } = intermediates;

    /// <summary>
    /// Built once per load, not per handshake: it resolves the chain and is what Kestrel and
    /// <see cref="SslServerAuthenticationOptions.ServerCertificateContext"/> want.
    /// </summary>
    public SslStreamCertificateContext Context { get; } = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);

    public DateTimeOffset NotAfter => Leaf.NotAfter.ToUniversalTime();

    public DateTimeOffset NotBefore => Leaf.NotBefore.ToUniversalTime();

    /// <summary>True when <paramref name="now"/> lies within the leaf's validity period.</summary>
    public bool IsValidAt(DateTimeOffset now) => now >= NotBefore && now <= NotAfter;

    public string Subject => Leaf.Subject;

    public string Thumbprint => Leaf.Thumbprint;
}
