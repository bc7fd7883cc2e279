using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Injector.Tls.Certificates;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Serving;

/// <summary>
/// What one connection's handshake learned: the verified client's names, or why it failed. The certificate
/// validation callback runs inside SslStream, so it records its verdict here for the log line and the metrics.
/// </summary>
internal sealed class HandshakeContext
{
    private readonly MtlsMode _mode;
    private readonly IReadOnlyList<ClientIdentity> _allowed;

    public HandshakeContext(MtlsMode mode, IReadOnlyList<ClientIdentity> allowed)
    {
        _mode = mode;
        _allowed = allowed;
        ValidateClientCertificate = Validate;
    }

    /// <summary>The per-connection callback handed to SslStream (bound once, here).</summary>
    public RemoteCertificateValidationCallback ValidateClientCertificate { get; }

    public HandshakeFailureReason? Failure { get; set; }

    /// <summary>Why, in words: chain status, the names that were not allowed.</summary>
    public string? FailureDetail { get; set; }

    /// <summary>The protocols the ClientHello offered.</summary>
    public SslProtocols OfferedProtocols { get; set; }

    /// <summary>Names of the verified client certificate; null when the client sent none.</summary>
    public CertificateNames? ClientNames { get; private set; }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            if (_mode == MtlsMode.Required)
            {
                Failure = HandshakeFailureReason.ClientCertificateMissing;
                FailureDetail = "mtls is required and the client sent no certificate";
                return false;
            }

            return true;
        }

        if (errors != SslPolicyErrors.None)
        {
            var status = chain?.ChainStatus ?? [];
            Failure = status.Any(s => s.Status.HasFlag(X509ChainStatusFlags.NotTimeValid))
                ? HandshakeFailureReason.ClientCertificateExpired
                : HandshakeFailureReason.ClientCertificateUntrusted;
            var statusText = status.Length == 0 ? errors.ToString() : string.Join("; ", status.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
            FailureDetail = $"client certificate '{certificate.Subject}' rejected by ca.crt: {statusText}";
            return false;
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var names = CertificateNames.Read(leaf);
        ClientNames = names;
        if (_allowed.Count > 0 && !_allowed.Any(a => a.Matches(names)))
        {
            Failure = HandshakeFailureReason.ClientNotAllowed;
            FailureDetail = $"client '{names}' is not in allowed-clients";
            return false;
        }

        return true;
    }
}
