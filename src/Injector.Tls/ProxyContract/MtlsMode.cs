namespace Injector.Tls.ProxyContract;

/// <summary>Whether the proxy asks for, and insists on, a client certificate.</summary>
public enum MtlsMode
{
    /// <summary>No client certificate is requested.</summary>
    Disabled,

    /// <summary>A client certificate is requested and verified when given; connections without one are allowed.</summary>
    Optional,

    /// <summary>A verified client certificate is required.</summary>
    Required,
}
