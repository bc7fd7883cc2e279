namespace Injector.Proxy.Logging;

/// <summary>
/// The <c>Event</c> property of every log line, named once: dashboards and alerts select on these, never on the
/// human-readable <c>@m</c> text.
/// </summary>
internal static class LogEvents
{
    public const string Starting = "starting";
    public const string Listening = "listening";
    public const string Started = "started";
    public const string ConfigurationInvalid = "configuration_invalid";
    public const string StartupFailed = "startup_failed";
    public const string HardeningFailed = "hardening_failed";
    public const string CertificateLoaded = "certificate_loaded";
    public const string CertificateReloadFailed = "certificate_reload_failed";
    public const string CertificateRecovered = "certificate_recovered";
    public const string ConnectionClosed = "connection_closed";
    public const string HandshakeFailed = "handshake_failed";
    public const string PlaintextRejected = "plaintext_rejected";
    public const string PlaintextRedirected = "plaintext_redirected";
    public const string AppUnreachable = "app_unreachable";
    public const string AcceptFailed = "accept_failed";
    public const string HealthRequestFailed = "health_request_failed";
    public const string ProbeFailed = "app_probe_failed";
    public const string AppExitWatch = "app_exit_watch";
    public const string AppExitWatchOff = "app_exit_watch_off";
    public const string AppSeen = "app_seen";
    public const string AppExited = "app_exited";
    public const string StopRequested = "stop_requested";
    public const string QuitRefused = "quit_refused";
    public const string Draining = "draining";
    public const string Drained = "drained";
    public const string Stopped = "stopped";
}
