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

    /// <summary>
    /// <c>POST</c> from inside the pod (a loopback peer): drain and exit 0. Istio's pilot-agent name, so wrapper
    /// scripts written for Istio work unchanged.
    /// </summary>
    public const string QuitQuitQuit = "/quitquitquit";

    /// <summary>Prefix of the rewritten app probes, as the Core writes them into <c>TLS_PROXY_APP_PROBES</c>.</summary>
    public const string AppHealthPrefix = "/app-health/";
}
