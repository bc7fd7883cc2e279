namespace Injector.Core.Settings;

/// <summary>
/// One protected port: the app's <paramref name="AppPort"/> in <paramref name="Container"/>, served over TLS on
/// <paramref name="TlsPort"/>. <paramref name="PortName"/> is the name the app port had (it moves to the sidecar).
/// </summary>
public sealed record PortMapping(string Container, int AppPort, string? PortName, int TlsPort);
