using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Injector.Tls.Certificates;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Serving;

/// <summary>
/// Builds the server options of each handshake from the <see cref="CertificateStore"/> as it is at that moment,
/// so a reloaded certificate or client CA is used by the next handshake with no restart.
/// </summary>
internal sealed class TlsHandshakePolicy
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly CertificateStore _store;
    private readonly MtlsMode _mode;
    private readonly IReadOnlyList<ClientIdentity> _allowed;

    public TlsHandshakePolicy(ProxySettings settings, CertificateStore store)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _store = store;
        _mode = settings.Mtls;
        _allowed = settings.AllowedClients;

        // Never below 1.2; 1.3 alone when the pod asks for it.
        Protocols = settings.MinTlsVersion == WireValues.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
        SelectOptions = SelectOptionsAsync;
    }

    public SslProtocols Protocols { get; }

    public ServerOptionsSelectionCallback SelectOptions { get; }

    public HandshakeContext NewContext() => new(_mode, _allowed);

    private ValueTask<SslServerAuthenticationOptions> SelectOptionsAsync(SslStream stream, SslClientHelloInfo hello, object? state, CancellationToken cancellationToken)
    {
        var context = (HandshakeContext)state!;
        context.OfferedProtocols = hello.SslProtocols;
        if (hello.SslProtocols != SslProtocols.None && (hello.SslProtocols & Protocols) == 0)
        {
            context.Failure = HandshakeFailureReason.ProtocolVersion;
            context.FailureDetail = $"client offers {hello.SslProtocols}, the proxy allows {Protocols}";
        }

        var certificate = _store.Current;
        if (certificate is null)
        {
            context.Failure = HandshakeFailureReason.NoServerCertificate;
            context.FailureDetail = $"no certificate loaded from {_store.CertificateDirectory}: {_store.LastError}";
            throw new AuthenticationException(context.FailureDetail);
        }

        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate.Context,
            EnabledSslProtocols = Protocols,
            AllowRenegotiation = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (_mode != MtlsMode.Disabled)
        {
            // Sends CertificateRequest; "optional" then accepts a client that sends none (HandshakeContext decides).
            options.ClientCertificateRequired = true;
            options.CertificateChainPolicy = ClientChainPolicy(_store.ClientCa);
            options.RemoteCertificateValidationCallback = context.ValidateClientCertificate;
        }

        return ValueTask.FromResult(options);
    }

    /// <summary>
    /// Trust exactly the certificates of <c>ca.crt</c>, not the system store: a client is who this pod's CA says it
    /// is, nobody else. A fresh policy per handshake, because SslStream adds the client's intermediates to the
    /// policy's ExtraStore and a shared instance would grow and race.
    /// </summary>
    private static X509ChainPolicy ClientChainPolicy(X509Certificate2Collection? clientCa)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.ApplicationPolicy.Add(new Oid(ClientAuthOid));
        if (clientCa is not null)
        {
            policy.CustomTrustStore.AddRange(clientCa);
        }

        return policy;
    }
}
