namespace Injector.Tls.ProxyContract;

/// <summary>The proxy listens on <paramref name="TlsPort"/> and forwards to the app on <c>127.0.0.1:</c><paramref name="AppPort"/>.</summary>
public sealed record ProxyRoute(int TlsPort, int AppPort)
{
    public override string ToString() => $"{TlsPort}={AppPort}";
}
