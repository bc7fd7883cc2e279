using System.Net;
using System.Net.Sockets;
using Injector.Proxy.Health;
using Injector.Proxy.Identity;
using Injector.Proxy.Lifecycle;
using Injector.Proxy.Logging;
using Injector.Proxy.Metrics;
using Injector.Proxy.Serving;
using Injector.Tls.Certificates;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Hosting;

/// <summary>
/// The running proxy: the certificate store and its watcher, one <see cref="TlsListener"/> per route, the health
/// port, and the drain on shutdown. <see cref="Start"/> binds everything or throws; <see cref="DrainAsync"/> stops it.
/// </summary>
internal sealed partial class ProxyHost : IAsyncDisposable
{
    private readonly ProxySettings _settings;
    private readonly ProxyHostOptions _options;
    private readonly ProxyLogger _log;
    private readonly CancellationTokenSource _abortConnections = new();
    private readonly CancellationTokenSource _stopHealth = new();
    private readonly List<TlsListener> _listeners = [];
    private readonly Lock _reportLock = new();
    private readonly ReadinessCheck _readiness;
    private readonly TaskCompletionSource<string> _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AppExitWatcher? _appExit;
    private HealthServer? _health;
    private CertificateFileWatcher? _watcher;
    private string? _reportedError;
    private volatile bool _listening;
    private volatile bool _draining;
    private bool _stopped;

    public ProxyHost(ProxySettings settings, ProxyLogger log, ProxyHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        _settings = settings;
        _log = log;
        _options = options ?? new ProxyHostOptions();
        Store = new CertificateStore(settings.CertDirectory, settings.ClientCaDirectory);
        Metrics = new ProxyMetrics(settings.Routes);
        Connections = new ConnectionTracker();
        _readiness = new ReadinessCheck(settings, Store, () => _draining, _options.AppAddress, _options.AppConnectTimeout, _options.TimeProvider);
    }

    public CertificateStore Store { get; }

    public ProxyMetrics Metrics { get; }

    public ConnectionTracker Connections { get; }

    /// <summary>Listeners bound and a certificate loaded: TLS can be served. <c>/started</c> answers this.</summary>
    public bool IsStarted => _listening && Store.Current is not null;

    public bool IsDraining => _draining;

    /// <summary>
    /// Completes, with the reason, when the proxy should drain and exit on its own: <c>POST /quitquitquit</c> from
    /// inside the pod, or the app's containers have exited. <c>tls-proxy run</c> then drains as on SIGTERM.
    /// </summary>
    public Task<string> StopRequested => _stopRequested.Task;

    public IPEndPoint HealthEndPoint => _health?.LocalEndPoint ?? throw new InvalidOperationException("Call Start() first.");

    /// <summary>Where the listener of <paramref name="tlsPort"/> (a port of <c>TLS_PROXY_ROUTES</c>) is bound.</summary>
    public IPEndPoint TlsEndPoint(int tlsPort)
        => _listeners.Find(l => l.Route.TlsPort == tlsPort)?.LocalEndPoint
           ?? throw new ArgumentOutOfRangeException(nameof(tlsPort), tlsPort, "No route has this TLS port.");

    /// <summary>Loads the certificates, binds every port and starts serving. Throws <see cref="SocketException"/> when a port cannot be bound.</summary>
    public void Start()
    {
        _log.Begin(LogLevel.Information, LogEvents.Starting, "Starting tls-proxy")
            .Add("Version", ProxyMetrics.Version)
            .Add("Routes", _settings.Routes.Select(r => r.ToString()))
            .Add("Mtls", _settings.Mtls.ToWire()).Add("MinTlsVersion", _settings.MinTlsVersion)
            .Add("Plaintext", _settings.Plaintext.ToWire()).Add("HealthPort", _settings.HealthPort)
            .Add("AllowedClients", _settings.AllowedClients.Select(a => a.ToString()))
            .Write();

        // A bad or missing certificate does not stop the start: the health port then says why, /readyz stays 503,
        // and the watcher picks up a fixed Secret without a restart.
        ReportReload(Store.Reload());

        var policy = new TlsHandshakePolicy(_settings, Store);
        var handler = new TlsConnectionHandler(_settings, _options, policy, Metrics, Connections, _log);
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < _settings.Routes.Count; i++)
            {
                var route = _settings.Routes[i];
                var socket = Bind(route.TlsPort);
                sockets.Add(socket);
                _listeners.Add(new TlsListener(i, route, socket, handler, _log));
            }

            var healthSocket = Bind(_settings.HealthPort);
            sockets.Add(healthSocket);
            var prober = new AppProber(_options.AppAddress, _settings.ClientIdentityMode == ClientIdentityMode.ProxyProtocol ? ProxyProtocolHeader.Local() : null);
            _health = new HealthServer(healthSocket, _settings, _readiness, prober, () => IsStarted, ready => Metrics.Render(Store, ready), Metrics.ProbeRan, RequestStop, _log);
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            _listeners.Clear();
            throw;
        }

        foreach (var listener in _listeners)
        {
            listener.Start(_abortConnections.Token);
            _log.Begin(LogLevel.Information, LogEvents.Listening, "Listening for TLS")
                .Add("Port", listener.Route.TlsPort).Add("Address", listener.LocalEndPoint.ToString()).Add("AppPort", listener.Route.AppPort).Write();
        }

        _health!.Start(_stopHealth.Token);
        _listening = true;
        StartAppExitWatch();
        _watcher = new CertificateFileWatcher(Store, TimeSpan.FromSeconds(_settings.ReloadIntervalSeconds), _options.TimeProvider, (outcome, _) => ReportReload(outcome));
        _log.Begin(LogLevel.Information, LogEvents.Started, "tls-proxy started")
            .Add("HealthAddress", _health.LocalEndPoint.ToString())
            .Add("CertificateLoaded", Store.Current is not null)
            .Add("StartupMs", (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds)
            .Write();
    }

    /// <summary>Asks <c>tls-proxy run</c> to drain and exit 0; the first reason wins.</summary>
    public void RequestStop(string reason)
    {
        if (_stopRequested.TrySetResult(reason))
        {
            _log.Begin(LogLevel.Information, LogEvents.StopRequested, "Stop requested; draining").Add("Reason", reason).Write();
        }
    }

    /// <summary>
    /// Stops accepting, waits up to <paramref name="grace"/> for in-flight connections to finish, then closes the
    /// rest. The health port keeps answering until the end (liveness must not fail during a drain); <c>/readyz</c>
    /// answers 503 from the first moment. Returns how many connections had to be closed.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan grace)
    {
        _draining = true;
        foreach (var listener in _listeners)
        {
            await listener.StopAcceptingAsync().ConfigureAwait(false);
        }

        // Logged only once the listeners are closed, so the line is true: from here a connect is refused.
        _log.Begin(LogLevel.Information, LogEvents.Draining, "Draining: no new connections")
            .Add("ActiveConnections", Connections.Count).Add("GraceSeconds", grace.TotalSeconds).Write();

        var forced = 0;
        if (!await Connections.WaitForIdleAsync(grace, _options.TimeProvider).ConfigureAwait(false))
        {
            forced = Connections.Count;
            await _abortConnections.CancelAsync().ConfigureAwait(false);
            await Connections.WaitForIdleAsync(TimeSpan.FromSeconds(5), _options.TimeProvider).ConfigureAwait(false);
        }

        _log.Begin(forced == 0 ? LogLevel.Information : LogLevel.Warning, LogEvents.Drained, "Drained")
            .Add("ClosedByProxy", forced).Write();
        await StopAsync().ConfigureAwait(false);
        return forced;
    }

    public async ValueTask DisposeAsync()
    {
        await _abortConnections.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            await listener.StopAcceptingAsync().ConfigureAwait(false);
        }

        await StopAsync().ConfigureAwait(false);
        _abortConnections.Dispose();
        _stopHealth.Dispose();
    }

    private async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _watcher?.Dispose();
        await _stopHealth.CancelAsync().ConfigureAwait(false);
        if (_appExit is not null)
        {
            await _appExit.StopAsync().ConfigureAwait(false);
        }

        if (_health is not null)
        {
            await _health.StopAsync().ConfigureAwait(false);
        }
    }

    private Socket Bind(int port)
    {
        var bindPort = _options.EphemeralPorts ? 0 : port;
        if (_options.ListenAddress is { } address)
        {
            return Listen(new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(address, bindPort));
        }

        if (Socket.OSSupportsIPv6)
        {
            var dual = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                dual.DualMode = true;
                return Listen(dual, new IPEndPoint(IPAddress.IPv6Any, bindPort));
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
            {
                // A pod with IPv6 disabled in its network namespace: fall back to IPv4 only.
                dual.Dispose();
            }
        }

        return Listen(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), new IPEndPoint(IPAddress.Any, bindPort));
    }

    private Socket Listen(Socket socket, IPEndPoint endPoint)
    {
        try
        {
            socket.Bind(endPoint);
            socket.Listen(_options.Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
