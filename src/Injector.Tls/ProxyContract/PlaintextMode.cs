namespace Injector.Tls.ProxyContract;

/// <summary>What the proxy does with a connection whose first byte is not a TLS handshake.</summary>
public enum PlaintextMode
{
    /// <summary>Close the connection and log it.</summary>
    Reject,

    /// <summary>Answer plain HTTP with <c>308 Permanent Redirect</c> to the <c>https://</c> URL.</summary>
    Redirect,
}
