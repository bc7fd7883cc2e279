namespace Injector.Proxy.Health;

/// <summary>The health port's paths, named once (docs/proxy.md lists what each means).</summary>
internal static class HealthPaths
{
    /// <summary>Liveness: the process answers.</summary>
    public const string Healthz = "/healthz";

    /// <summary>Startup: listeners bound and a certificate loaded once; what <c>tls-proxy wait</c> polls.</summary>
    public const string Started = "/started";

    /// <summary>Readiness: see <see cref="ReadinessCheck"/>.</summary>
    public const string Readyz = "/readyz";

    public const string Metrics = "/metrics";

    /// <summary>Prefix of the rewritten app probes, as the Core writes them into <c>TLS_PROXY_APP_PROBES</c>.</summary>
    public const string AppHealthPrefix = "/app-health/";
}
