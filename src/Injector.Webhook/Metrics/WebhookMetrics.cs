using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Injector.Core.Admission;
using Injector.Core.Configuration;
using k8s;

namespace Injector.Webhook.Metrics;

/// <summary>
/// The webhook's metrics as <see cref="System.Diagnostics.Metrics"/> instruments, served at <c>GET /metrics</c> by
/// OpenTelemetry's Prometheus exporter. Counters are named without <c>_total</c> and durations carry the unit
/// <c>s</c>: the exporter appends <c>_total</c> and <c>_seconds</c> (docs/operations.md lists the exported names).
/// </summary>
internal sealed class WebhookMetrics
{
    public const string MeterName = "tls_injector_webhook";

    /// <summary>Latency buckets in seconds: admission answers are expected well under 10 ms.</summary>
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _durations;
    private readonly Counter<long> _injections;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _relists;
    private readonly Counter<long> _watchEvents;
    private readonly Counter<long> _watchErrors;
    private readonly Counter<long> _certificateReloads;
    private readonly ConcurrentDictionary<string, (Func<int> Count, Func<bool> Synced)> _caches = new(StringComparer.Ordinal);
    private volatile Func<DateTimeOffset?> _certificateExpiry = () => null;
    private volatile Func<bool> _ready = () => false;
    private volatile Tuple<string, bool>? _nativeSidecars;
    private volatile AuditSource? _audit;

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("tls_injector_webhook_requests", description: "Admission requests by endpoint, result and object kind.");
        _durations = meter.CreateHistogram("tls_injector_webhook_request_duration", unit: "s", description: "Time to answer an admission request.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        _injections = meter.CreateCounter<long>("tls_injector_webhook_injections", description: "Pods that got the tls-proxy sidecar.");
        _rejections = meter.CreateCounter<long>("tls_injector_webhook_rejections", description: "Objects refused, by endpoint.");
        _errors = meter.CreateCounter<long>("tls_injector_webhook_errors", description: "Bad requests and internal errors, by endpoint and type.");
        _relists = meter.CreateCounter<long>("tls_injector_webhook_cache_relists", description: "Full relists of an API cache, by reason.");
        _watchEvents = meter.CreateCounter<long>("tls_injector_webhook_cache_watch_events", description: "Watch events applied to an API cache, by type.");
        _watchErrors = meter.CreateCounter<long>("tls_injector_webhook_cache_watch_errors", description: "Watches of an API cache that ended in a relist, by reason (unreadable: a line that is not a watch event).");
        _certificateReloads = meter.CreateCounter<long>("tls_injector_webhook_certificate_reloads", description: "Serving certificate reload attempts that changed something or failed, by result (success, failure).");

        meter.CreateObservableGauge("tls_injector_webhook_cache_objects", () => _caches.Select(c => new Measurement<int>(c.Value.Count(), Tag("resource", c.Key))), description: "Objects held in an API cache.");
        meter.CreateObservableGauge("tls_injector_webhook_cache_synced", () => _caches.Select(c => new Measurement<int>(c.Value.Synced() ? 1 : 0, Tag("resource", c.Key))), description: "1 once an API cache has listed, else 0.");
        meter.CreateObservableGauge("tls_injector_webhook_certificate_expiry_timestamp_seconds", CertificateExpiry, description: "Expiry of the serving certificate, Unix seconds.");
        meter.CreateObservableGauge("tls_injector_webhook_ready", () => _ready() ? 1 : 0, description: "1 when /readyz answers 200.");
        meter.CreateObservableGauge("tls_injector_webhook_native_sidecars", NativeSidecars,
            description: "1 when the webhook injects native sidecars, else 0, by what decided it: probe, version (the probe failed) or configuration.");
        meter.CreateObservableGauge("tls_injector_webhook_audit_escaped_pods", EscapedPods,
            description: "Pods the last audit found without tls-proxy (missing) or with stale or invalid sidecar settings; 0 on replicas that do not lead.");
        meter.CreateObservableGauge("tls_injector_webhook_audit_leader", () => _audit is { } audit ? [new Measurement<int>(audit.Leading() ? 1 : 0)] : Array.Empty<Measurement<int>>(),
            description: "1 on the replica that holds the audit Lease.");
        // Split as Prometheus' own build_info is: version without build metadata, revision the commit.
        var version = BuildInfo.Version;
        var versionTag = Tag("version", version.Split('+')[0]);
        var revisionTag = Tag("revision", version.Contains('+', StringComparison.Ordinal) ? version.Split('+', 2)[1] : "unknown");
        meter.CreateObservableGauge("tls_injector_webhook_build_info", () => new Measurement<int>(1, versionTag, revisionTag),
            description: "Always 1; the labels are the running build's version and git commit.");
    }

    /// <summary>One admission answered (or refused at the transport level).</summary>
    public void RecordRequest(string endpoint, string result, string kind, TimeSpan elapsed)
    {
        _requests.Add(1, Tag("endpoint", endpoint), Tag("result", result), Tag("kind", kind));
        _durations.Record(elapsed.TotalSeconds, Tag("endpoint", endpoint));
        if (result == AdmissionResults.Injected)
        {
            _injections.Add(1);
        }
        else if (result == AdmissionResults.Denied)
        {
            _rejections.Add(1, Tag("endpoint", endpoint));
        }
    }

    public void RecordError(string endpoint, string type) => _errors.Add(1, Tag("endpoint", endpoint), Tag("type", type));

    public void RecordRelist(string resource, string reason) => _relists.Add(1, Tag("resource", resource), Tag("reason", reason));

    /// <summary>One watch event applied to an API cache (bookmarks included).</summary>
    public void RecordWatchEvent(string resource, WatchEventType type) => _watchEvents.Add(1, Tag("resource", resource), Tag("type", WatchTypeLabel(type)));

    /// <summary>A watch that ended in a way that forces a relist, e.g. <c>unreadable</c> for a line that is not an event.</summary>
    public void RecordWatchError(string resource, string reason) => _watchErrors.Add(1, Tag("resource", resource), Tag("reason", reason));

    /// <summary>A reload that changed the certificate, or failed; labelled as the proxy's <c>tls_proxy_certificate_reloads_total</c>.</summary>
    public void RecordCertificateReload(bool success) => _certificateReloads.Add(1, Tag("result", success ? "success" : "failure"));

    /// <summary>Exports an API cache's size and sync state, read at scrape time.</summary>
    public void ObserveCache(string resource, Func<int> count, Func<bool> synced) => _caches[resource] = (count, synced);

    public void ObserveCertificateExpiry(Func<DateTimeOffset?> notAfter) => _certificateExpiry = notAfter;

    public void ObserveReady(Func<bool> ready) => _ready = ready;

    public void SetNativeSidecars(string decidedBy, bool native) => _nativeSidecars = Tuple.Create(decidedBy, native);

    /// <summary>Exports the audit's counts per reason label; <paramref name="escaped"/> is read only while <paramref name="leading"/>.</summary>
    public void ObserveAudit(Func<bool> leading, IReadOnlyList<string> reasons, Func<string, int> escaped) => _audit = new AuditSource(leading, reasons, escaped);

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    private IEnumerable<Measurement<long>> CertificateExpiry()
        => _certificateExpiry() is { } notAfter ? [new Measurement<long>(notAfter.ToUnixTimeSeconds())] : [];

    private IEnumerable<Measurement<int>> NativeSidecars()
        => _nativeSidecars is { } decided ? [new Measurement<int>(decided.Item2 ? 1 : 0, Tag("decided_by", decided.Item1))] : [];

    private IEnumerable<Measurement<int>> EscapedPods()
    {
        if (_audit is not { } audit)
        {
            return [];
        }

        // Only the leader reports counts: a sum over replicas is then the cluster's number.
        var leading = audit.Leading();
        return audit.Reasons.Select(reason => new Measurement<int>(leading ? audit.Escaped(reason) : 0, Tag("reason", reason)));
    }

    private static string WatchTypeLabel(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        WatchEventType.Bookmark => "BOOKMARK",
        _ => "ERROR",
    };

    private sealed record AuditSource(Func<bool> Leading, IReadOnlyList<string> Reasons, Func<string, int> Escaped);
}
