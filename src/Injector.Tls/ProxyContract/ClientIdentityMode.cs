namespace Injector.Tls.ProxyContract;

/// <summary>How the proxy tells the app which verified client is calling.</summary>
public enum ClientIdentityMode
{
    /// <summary>It does not: the app sees a plain TCP connection from the proxy.</summary>
    None,

    /// <summary>A PROXY protocol v2 header, with the client address and certificate, precedes the stream.</summary>
    ProxyProtocol,

    /// <summary>Every HTTP/1.x request gets an <c>X-Forwarded-Client-Cert</c> header; any the client sent is removed.</summary>
    HttpHeader,
}
