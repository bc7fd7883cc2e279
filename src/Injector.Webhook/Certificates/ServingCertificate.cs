using System.Security.Cryptography.X509Certificates;
using Injector.Tls.Certificates;

namespace Injector.Webhook.Certificates;

/// <summary>
/// The certificate Kestrel presents, read on every handshake through <c>ServerCertificateSelector</c>, so a swap
/// here (file reload, bootstrap, re-issue) takes effect on the next connection without a restart.
/// Either backed by a <see cref="CertificateStore"/> (mounted Secret) or by an in-memory certificate.
/// </summary>
internal sealed class ServingCertificate
{
    private volatile CertificateStore? _store;
    private volatile X509Certificate2? _inMemory;
    private volatile bool _final;

    /// <summary>What to present now; null before the first load (the handshake then fails).</summary>
    public X509Certificate2? Current => _inMemory ?? _store?.Current?.Leaf;

    /// <summary>
    /// True once the certificate the API server trusts is in place: a file-backed certificate loaded, or the
    /// self-signed or bootstrapped one issued. A placeholder served while bootstrapping is not ready.
    /// </summary>
    public bool IsReady => Current is not null && _final;

    /// <summary>Where the certificate comes from, for logs: the directory, or "memory".</summary>
    public string Source => _store?.CertificateDirectory ?? "memory";

    public void UseStore(CertificateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _inMemory = null;
        _store = store;
        _final = true;
    }

    /// <summary>Serves <paramref name="certificate"/> (with its key) from now on; <paramref name="final"/> false for a placeholder.</summary>
    public void UseInMemory(X509Certificate2 certificate, bool final = true)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        _store = null;
        _inMemory = certificate;
        _final = final;
    }
}
