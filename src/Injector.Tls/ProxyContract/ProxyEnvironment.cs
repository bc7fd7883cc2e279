namespace Injector.Tls.ProxyContract;

/// <summary>
/// The environment variables through which the injector configures the <c>tls-proxy</c> sidecar.
/// The Core writes them and the proxy reads them, so the names live here, once.
/// </summary>
public static class ProxyEnvironment
{
    /// <summary>Comma list of <c>TLS=APP</c> pairs, e.g. <c>8443=8080,9443=9090</c>.</summary>
    public const string Routes = "TLS_PROXY_ROUTES";

    /// <summary>Directory holding <c>tls.crt</c> and <c>tls.key</c> (the mounted server Secret).</summary>
    public const string CertDirectory = "TLS_PROXY_CERT_DIR";

    /// <summary>Directory holding <c>ca.crt</c> for client verification; unset when mTLS is disabled.</summary>
    public const string ClientCaDirectory = "TLS_PROXY_CLIENT_CA_DIR";

    /// <summary><c>disabled</c>, <c>optional</c> or <c>required</c>.</summary>
    public const string Mtls = "TLS_PROXY_MTLS";

    /// <summary>Comma list of <c>cn:</c>, <c>dns:</c>, <c>uri:</c> identities; empty means every client the CA trusts.</summary>
    public const string AllowedClients = "TLS_PROXY_ALLOWED_CLIENTS";

    /// <summary>
    /// <c>none</c> (default), <c>proxy-protocol</c> or <c>http-header</c>: how the app learns the verified client.
    /// Needs mTLS optional or required.
    /// </summary>
    public const string ClientIdentity = "TLS_PROXY_CLIENT_IDENTITY";

    /// <summary><c>1.2</c> or <c>1.3</c>.</summary>
    public const string MinTlsVersion = "TLS_PROXY_MIN_TLS_VERSION";

    /// <summary><c>reject</c> or <c>redirect</c>: what plain HTTP on a TLS port gets.</summary>
    public const string Plaintext = "TLS_PROXY_PLAINTEXT";

    /// <summary>Plain-HTTP port of the proxy's own <c>/healthz</c>, <c>/readyz</c> and <c>/app-health/...</c> endpoints.</summary>
    public const string HealthPort = "TLS_PROXY_HEALTH_PORT";

    /// <summary>JSON object: <c>/app-health/CONTAINER/KIND</c> path → the app's original probe (see <see cref="AppProbe"/>).</summary>
    public const string AppProbes = "TLS_PROXY_APP_PROBES";

    /// <summary>Seconds between polls of the certificate files.</summary>
    public const string ReloadIntervalSeconds = "TLS_PROXY_RELOAD_INTERVAL_SECONDS";

    /// <summary><c>true</c> to serve Prometheus text at <c>/metrics</c> on the health port.</summary>
    public const string Metrics = "TLS_PROXY_METRICS";

    /// <summary>
    /// Seconds the proxy lets in-flight connections finish after SIGTERM before it closes them and exits.
    /// Default 25, under Kubernetes' default 30 s <c>terminationGracePeriodSeconds</c>.
    /// </summary>
    public const string DrainSeconds = "TLS_PROXY_DRAIN_SECONDS";

    /// <summary>
    /// How many app containers share the pod's process namespace with the proxy (a run-to-completion pod in classic
    /// mode). Set, the proxy exits 0 once it has seen that many and none has a process left; unset, only SIGTERM or
    /// <c>POST /quitquitquit</c> end it.
    /// </summary>
    public const string AppContainers = "TLS_PROXY_APP_CONTAINERS";

    /// <summary>Serilog-style minimum level: <c>Debug</c>, <c>Information</c>, <c>Warning</c>, <c>Error</c>.</summary>
    public const string LogLevel = "TLS_PROXY_LOG_LEVEL";
}
