using System.Net;
using Injector.Proxy.Lifecycle;

namespace Injector.Proxy.Hosting;

/// <summary>How the host binds and times things. Production uses the defaults; tests bind loopback and port 0.</summary>
internal sealed record ProxyHostOptions
{
    /// <summary>Where the TLS and health listeners bind. Null: every interface, IPv6 dual-stack where the pod has IPv6, else IPv4.</summary>
    public IPAddress? ListenAddress { get; init; }

    /// <summary>Where the app listens. Always loopback in a pod: the app shares the sidecar's network namespace.</summary>
    public IPAddress AppAddress { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// Bind every listener to port 0 and let the OS choose; the routes' ports are then only names.
    /// </summary>
    /// <remarks>For testing.</remarks>
    public bool EphemeralPorts { get; init; }

    /// <summary>Time allowed from the first byte to a finished handshake. Kestrel's default, 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After the app closed its side, how long the client may keep its own open. Default 30 s.</summary>
    public TimeSpan ClientLinger { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one readiness connect to an app port. Default 1 s, the kubelet's default probe timeout.</summary>
    public TimeSpan AppConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Timing of the watch for the app's exit (with <c>TLS_PROXY_APP_CONTAINERS</c>).</summary>
    public AppExitWatcherOptions AppExit { get; init; } = new();

    /// <summary>Which processes are the app's. Null: <see cref="ProcessCensus.OtherContainers"/> over <c>/proc</c>.</summary>
    /// <remarks>For testing.</remarks>
    public ProcessCensus? AppProcesses { get; init; }

    /// <summary>Listen backlog of each port; Kestrel's default is 512, a little more absorbs connection bursts.</summary>
    public int Backlog { get; init; } = 1024;
}
