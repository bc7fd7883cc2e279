using System.Net;
using Injector.Tls.Certificates;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Certificates;

/// <summary>
/// Puts a serving certificate in place before Kestrel accepts connections (hosted services start before the
/// server): loads the mounted Secret and polls it for renewals, or generates one in <c>--self-signed</c> mode,
/// or a placeholder until the bootstrap issues the real one.
/// </summary>
internal sealed partial class CertificateService(
    ServingCertificate serving,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger<CertificateService> logger) : IHostedService, IDisposable
{
    private CertificateFileWatcher? _watcher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.SelfSigned)
        {
            StartSelfSigned(o);
        }
        else if (o.Bootstrap.Enabled)
        {
            // The real certificate needs the API; until then a throwaway one lets /healthz answer over HTTPS.
            serving.UseInMemory(SelfSignedCertificates.Create(["localhost"], timeProvider).Leaf, final: false);
        }
        else
        {
            StartFromFiles(o);
        }

        metrics.ObserveCertificateExpiry(() => serving.Current is { } c ? new DateTimeOffset(c.NotAfter.ToUniversalTime()) : null);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _watcher?.Dispose();

    private void StartFromFiles(WebhookOptions o)
    {
        var store = new CertificateStore(o.CertificateDirectory);
        var outcome = store.Reload();
        if (outcome == ReloadOutcome.Failed)
        {
            // Not fatal: cert-manager may not have issued yet. /readyz stays 503 until a poll succeeds.
            Log.CertificateMissing(logger, o.CertificateDirectory, store.LastError ?? "unknown error");
        }
        else
        {
            Log.CertificateLoaded(logger, o.CertificateDirectory, store.Current?.Subject, store.Current?.NotAfter);
        }

        serving.UseStore(store);
        _watcher = new CertificateFileWatcher(store, o.CertificatePollInterval, timeProvider, OnPoll);
    }

    private void OnPoll(ReloadOutcome outcome, CertificateStore store)
    {
        switch (outcome)
        {
            case ReloadOutcome.Reloaded:
                metrics.RecordCertificateReload(success: true);
                Log.CertificateReloaded(logger, store.CertificateDirectory, store.Current?.Subject, store.Current?.NotAfter);
                break;
            case ReloadOutcome.Failed:
                metrics.RecordCertificateReload(success: false);
                Log.CertificateReloadFailed(logger, store.CertificateDirectory, store.LastError ?? "unknown error");
                break;
            default:
                break;
        }
    }

    private void StartSelfSigned(WebhookOptions o)
    {
        var names = new List<string> { "localhost" };
        names.AddRange(o.SelfSignedDnsNames.Where(n => !string.IsNullOrWhiteSpace(n)));
        var issued = SelfSignedCertificates.Create(names, timeProvider);
        serving.UseInMemory(issued.Leaf);
        var bundle = CertificateGenerator.ToCertificatePem(issued.Authority);

        // Printed, not logged: the CA bundle is what a local url-mode webhook configuration needs as caBundle.
        Console.Out.Write(bundle);
        Console.Out.Flush();
        if (!string.IsNullOrWhiteSpace(o.SelfSignedCaBundlePath))
        {
            File.WriteAllText(o.SelfSignedCaBundlePath, bundle);
        }

        Log.SelfSigned(logger, string.Join(",", names.Append(IPAddress.Loopback.ToString()).Append(IPAddress.IPv6Loopback.ToString())), o.SelfSignedCaBundlePath);
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Serving certificate loaded from {Directory}: {Subject}, expires {NotAfter}")]
        public static partial void CertificateLoaded(ILogger logger, string directory, string? subject, DateTimeOffset? notAfter);

        [LoggerMessage(101, LogLevel.Warning, "No usable serving certificate in {Directory} yet ({Error}); polling, not ready until it appears")]
        public static partial void CertificateMissing(ILogger logger, string directory, string error);

        [LoggerMessage(102, LogLevel.Information, "Serving certificate reloaded from {Directory}: {Subject}, expires {NotAfter}")]
        public static partial void CertificateReloaded(ILogger logger, string directory, string? subject, DateTimeOffset? notAfter);

        [LoggerMessage(103, LogLevel.Warning, "Serving certificate in {Directory} could not be reloaded ({Error}); keeping the previous one")]
        public static partial void CertificateReloadFailed(ILogger logger, string directory, string error);

        [LoggerMessage(104, LogLevel.Information, "Self-signed serving certificate generated for {Names}; CA bundle printed to stdout (and written to {CaBundlePath})")]
        public static partial void SelfSigned(ILogger logger, string names, string? caBundlePath);
    }
}
