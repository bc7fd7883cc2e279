using System.Globalization;
using System.Reflection;
using System.Text;
using Injector.Proxy.Forwarding;
using Injector.Proxy.Serving;
using Injector.Tls.Certificates;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Metrics;

/// <summary>
/// Counters kept with <see cref="Interlocked"/> and rendered as Prometheus text on demand: no metrics library,
/// nothing allocated on the data path. Names follow Prometheus conventions (<c>_total</c>, <c>_seconds</c>, <c>_bytes</c>).
/// </summary>
internal sealed class ProxyMetrics
{
    private readonly IReadOnlyList<ProxyRoute> _routes;
    private readonly long[] _accepted;
    private readonly long[] _handshakes;
    private readonly long[] _handshakeFailures = new long[HandshakeFailureReasons.All.Length];
    private readonly long[] _outcomes = new long[Enum.GetValues<ForwardOutcome>().Length];
    private long _active;
    private long _bytesFromClient;
    private long _bytesToClient;
    private long _plaintextRejected;
    private long _plaintextRedirected;
    private long _reloadSuccess;
    private long _reloadFailure;
    private long _probes;
    private long _probeFailures;

    public ProxyMetrics(IReadOnlyList<ProxyRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        _routes = routes;
        _accepted = new long[routes.Count];
        _handshakes = new long[routes.Count];
    }

    /// <summary>This build's version without build metadata (the git tag, via MinVer), e.g. <c>0.1.0</c>.</summary>
    public static string Version { get; } = InformationalVersion().Split('+')[0];

    /// <summary>The git commit this build was made from, or <c>unknown</c>.</summary>
    public static string Revision { get; } = InformationalVersion().Split('+', 2) is [_, var commit] ? commit : "unknown";

    public long ActiveConnections => Interlocked.Read(ref _active);

    public long BytesFromClient => Interlocked.Read(ref _bytesFromClient);

    public long BytesToClient => Interlocked.Read(ref _bytesToClient);

    public long ReloadSuccesses => Interlocked.Read(ref _reloadSuccess);

    public long ReloadFailures => Interlocked.Read(ref _reloadFailure);

    public long HandshakeFailures(HandshakeFailureReason reason) => Interlocked.Read(ref _handshakeFailures[(int)reason]);

    public long Handshakes(int routeIndex) => Interlocked.Read(ref _handshakes[routeIndex]);

    public void ConnectionOpened(int routeIndex)
    {
        Interlocked.Increment(ref _accepted[routeIndex]);
        Interlocked.Increment(ref _active);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _active);

    public void HandshakeSucceeded(int routeIndex) => Interlocked.Increment(ref _handshakes[routeIndex]);

    public void HandshakeFailed(HandshakeFailureReason reason) => Interlocked.Increment(ref _handshakeFailures[(int)reason]);

    public void Forwarded(ForwardOutcome outcome) => Interlocked.Increment(ref _outcomes[(int)outcome]);

    public void AddBytesFromClient(int count) => Interlocked.Add(ref _bytesFromClient, count);

    public void AddBytesToClient(int count) => Interlocked.Add(ref _bytesToClient, count);

    public void PlaintextRejected() => Interlocked.Increment(ref _plaintextRejected);

    public void PlaintextRedirected() => Interlocked.Increment(ref _plaintextRedirected);

    public void CertificateReloaded(bool success) => Interlocked.Increment(ref success ? ref _reloadSuccess : ref _reloadFailure);

    public void ProbeRan(bool success)
    {
        Interlocked.Increment(ref _probes);
        if (!success)
        {
            Interlocked.Increment(ref _probeFailures);
        }
    }

    /// <summary>Prometheus text exposition format 0.0.4.</summary>
    public string Render(CertificateStore store, bool ready)
    {
        ArgumentNullException.ThrowIfNull(store);
        var text = new StringBuilder(4096);
        Header(text, "tls_proxy_connections_total", "counter", "TCP connections accepted on a TLS port.");
        for (var i = 0; i < _routes.Count; i++)
        {
            Sample(text, "tls_proxy_connections_total", $"port=\"{_routes[i].TlsPort}\"", Interlocked.Read(ref _accepted[i]));
        }

        Header(text, "tls_proxy_connections_active", "gauge", "Connections open now (handshaking or forwarding).");
        Sample(text, "tls_proxy_connections_active", null, ActiveConnections);

        Header(text, "tls_proxy_handshakes_total", "counter", "Completed TLS handshakes.");
        for (var i = 0; i < _routes.Count; i++)
        {
            Sample(text, "tls_proxy_handshakes_total", $"port=\"{_routes[i].TlsPort}\"", Interlocked.Read(ref _handshakes[i]));
        }

        Header(text, "tls_proxy_handshake_failures_total", "counter", "TLS handshakes that failed, by reason.");
        foreach (var reason in HandshakeFailureReasons.All)
        {
            Sample(text, "tls_proxy_handshake_failures_total", $"reason=\"{reason.ToWire()}\"", HandshakeFailures(reason));
        }

        Header(text, "tls_proxy_forwarded_connections_total", "counter", "Forwarded connections that ended, by outcome.");
        foreach (var outcome in Enum.GetValues<ForwardOutcome>())
        {
            Sample(text, "tls_proxy_forwarded_connections_total", $"outcome=\"{outcome.ToWire()}\"", Interlocked.Read(ref _outcomes[(int)outcome]));
        }

        Header(text, "tls_proxy_bytes_total", "counter", "Bytes of plaintext forwarded, by direction.");
        Sample(text, "tls_proxy_bytes_total", "direction=\"client_to_app\"", BytesFromClient);
        Sample(text, "tls_proxy_bytes_total", "direction=\"app_to_client\"", BytesToClient);

        Header(text, "tls_proxy_plaintext_connections_total", "counter", "Non-TLS connections on a TLS port, by action.");
        Sample(text, "tls_proxy_plaintext_connections_total", "action=\"reject\"", Interlocked.Read(ref _plaintextRejected));
        Sample(text, "tls_proxy_plaintext_connections_total", "action=\"redirect\"", Interlocked.Read(ref _plaintextRedirected));

        Header(text, "tls_proxy_certificate_expiry_timestamp_seconds", "gauge", "Expiry of the served certificate, Unix seconds; absent before the first load.");
        if (store.Current is { } current)
        {
            Sample(text, "tls_proxy_certificate_expiry_timestamp_seconds", null, current.NotAfter.ToUnixTimeSeconds());
        }

        if (store.ClientCaDirectory is not null)
        {
            Header(text, "tls_proxy_client_ca_expiry_timestamp_seconds", "gauge", "Earliest expiry among the trusted client CAs, Unix seconds.");
            if (store.ClientCaNotAfter is { } caNotAfter)
            {
                Sample(text, "tls_proxy_client_ca_expiry_timestamp_seconds", null, caNotAfter.ToUnixTimeSeconds());
            }
        }

        Header(text, "tls_proxy_certificate_reloads_total", "counter", "Certificate loads, by result (a failure keeps the previous certificate).");
        Sample(text, "tls_proxy_certificate_reloads_total", "result=\"success\"", ReloadSuccesses);
        Sample(text, "tls_proxy_certificate_reloads_total", "result=\"failure\"", ReloadFailures);

        Header(text, "tls_proxy_app_probes_total", "counter", "App probes run for the kubelet, by result.");
        Sample(text, "tls_proxy_app_probes_total", "result=\"success\"", Interlocked.Read(ref _probes) - Interlocked.Read(ref _probeFailures));
        Sample(text, "tls_proxy_app_probes_total", "result=\"failure\"", Interlocked.Read(ref _probeFailures));

        Header(text, "tls_proxy_ready", "gauge", "1 when /readyz answers 200.");
        Sample(text, "tls_proxy_ready", null, ready ? 1 : 0);

        Header(text, "tls_proxy_build_info", "gauge", "Always 1; the labels are the running build's version and git commit.");
        Sample(text, "tls_proxy_build_info", $"version=\"{Version}\",revision=\"{Revision}\"", 1);
        return text.ToString();
    }

    private static string InformationalVersion()
        => typeof(ProxyMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static void Header(StringBuilder text, string name, string type, string help)
        => text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
               .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, string? labels, long value)
    {
        text.Append(name);
        if (labels is not null)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
