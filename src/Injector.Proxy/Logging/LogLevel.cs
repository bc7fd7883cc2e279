namespace Injector.Proxy.Logging;

/// <summary>Serilog's level names, so the proxy's lines read like the webhook's (<c>TLS_PROXY_LOG_LEVEL</c>).</summary>
internal enum LogLevel
{
    Verbose,
    Debug,
    Information,
    Warning,
    Error,
    Fatal,
}
