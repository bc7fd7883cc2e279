using Injector.Proxy.Logging;
using Injector.Tls.Certificates;

namespace Injector.Proxy.Hosting;

/// <summary>Turns the store's reload outcomes into log lines and metrics, once per change rather than once per poll.</summary>
internal sealed partial class ProxyHost
{
    private void ReportReload(ReloadOutcome outcome)
    {
        lock (_reportLock)
        {
            switch (outcome)
            {
                case ReloadOutcome.Reloaded:
                    Metrics.CertificateReloaded(success: true);
                    var loaded = Store.Current!;
                    _log.Begin(LogLevel.Information, LogEvents.CertificateLoaded, "Certificate loaded")
                        .Add("Subject", loaded.Subject).Add("Thumbprint", loaded.Thumbprint)
                        .Add("NotAfter", loaded.NotAfter.ToString("O"))
                        .Add("Intermediates", loaded.Intermediates.Count)
                        .Add("ClientCaNotAfter", Store.ClientCaNotAfter?.ToString("O"))
                        .Add("Directory", Store.CertificateDirectory).Write();
                    _reportedError = null;
                    break;

                case ReloadOutcome.Failed when Store.LastError != _reportedError:
                    // The store re-reads bad files every poll; one failure per distinct problem is what operators count.
                    Metrics.CertificateReloaded(success: false);
                    var kept = Store.Current;
                    _log.Begin(LogLevel.Error, LogEvents.CertificateReloadFailed,
                            kept is null ? "No usable certificate: TLS handshakes fail until the Secret is fixed" : "New certificate rejected; still serving the previous one")
                        .Add("Reason", Store.LastError)
                        .Add("Directory", Store.CertificateDirectory)
                        .Add("KeptSubject", kept?.Subject).Add("KeptNotAfter", kept?.NotAfter.ToString("O"))
                        .Write();
                    _reportedError = Store.LastError;
                    break;

                case ReloadOutcome.Unchanged when _reportedError is not null && Store.LastError is null:
                    _log.Begin(LogLevel.Information, LogEvents.CertificateRecovered, "Certificate files are back to the loaded ones")
                        .Add("Subject", Store.Current?.Subject).Write();
                    _reportedError = null;
                    break;
            }
        }
    }
}
