namespace Injector.Proxy.Serving;

/// <summary>Why a TLS handshake did not complete. Mapped to wire names in one place (<see cref="HandshakeFailureReasons"/>).</summary>
internal enum HandshakeFailureReason
{
    /// <summary>The handshake did not finish within the handshake timeout.</summary>
    Timeout,

    /// <summary>The client closed or reset the connection mid-handshake.</summary>
    ClientClosed,

    /// <summary>The client offers no TLS version the proxy allows (e.g. only 1.2 when the minimum is 1.3).</summary>
    ProtocolVersion,

    /// <summary>The proxy has no certificate loaded yet.</summary>
    NoServerCertificate,

    /// <summary><c>mtls: required</c> and the client sent no certificate.</summary>
    ClientCertificateMissing,

    /// <summary>The client certificate does not chain to <c>ca.crt</c> (or is not valid for client auth).</summary>
    ClientCertificateUntrusted,

    /// <summary>The client certificate (or a certificate in its chain) is expired or not yet valid.</summary>
    ClientCertificateExpired,

    /// <summary>Verified, but none of its names is in <c>allowed-clients</c>.</summary>
    ClientNotAllowed,

    /// <summary>Any other TLS failure: bad record, unsupported cipher, an alert from the client.</summary>
    TlsError,
}

/// <summary>The label values of <c>tls_proxy_handshake_failures_total{reason}</c> and the <c>Reason</c> log property.</summary>
internal static class HandshakeFailureReasons
{
    public static readonly HandshakeFailureReason[] All = Enum.GetValues<HandshakeFailureReason>();

    public static string ToWire(this HandshakeFailureReason reason) => reason switch
    {
        HandshakeFailureReason.Timeout => "timeout",
        HandshakeFailureReason.ClientClosed => "client_closed",
        HandshakeFailureReason.ProtocolVersion => "protocol_version",
        HandshakeFailureReason.NoServerCertificate => "no_server_certificate",
        HandshakeFailureReason.ClientCertificateMissing => "client_certificate_missing",
        HandshakeFailureReason.ClientCertificateUntrusted => "client_certificate_untrusted",
        HandshakeFailureReason.ClientCertificateExpired => "client_certificate_expired",
        HandshakeFailureReason.ClientNotAllowed => "client_not_allowed",
        _ => "tls_error",
    };
}
