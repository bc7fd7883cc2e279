using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using k8s;

namespace Injector.Webhook.Metrics;

/// <summary>
/// The webhook's Prometheus metrics, written by hand in the text exposition format (version 0.0.4).
/// Hand-written rather than prometheus-net because the set is small and fixed, the hot path is one dictionary
/// lookup plus <see cref="Interlocked"/> adds with no allocation, and nothing runs in the background
/// (prometheus-net's default registry adds event-listener collectors that cost CPU and memory in a small pod).
/// </summary>
internal sealed class WebhookMetrics
{
    /// <summary>Latency buckets in seconds: admission answers are expected well under 10 ms.</summary>
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly ConcurrentDictionary<(string Endpoint, string Result, string Kind), Counter> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _durations = new();
    private readonly ConcurrentDictionary<string, Counter> _rejections = new();
    private readonly ConcurrentDictionary<(string Endpoint, string Type), Counter> _errors = new();
    private readonly ConcurrentDictionary<(string Resource, string Reason), Counter> _relists = new();
    private readonly ConcurrentDictionary<(string Resource, WatchEventType Type), Counter> _watchEvents = new();
    private readonly ConcurrentDictionary<(string Resource, string Reason), Counter> _watchErrors = new();
    private readonly ConcurrentDictionary<string, Counter> _certificateReloads = new();
    private readonly Counter _injections = new();
    private readonly ConcurrentDictionary<string, Func<double>> _gauges = new();

    /// <summary>One admission answered (or refused at the transport level).</summary>
    public void RecordRequest(string endpoint, string result, string kind, TimeSpan elapsed)
    {
        _requests.GetOrAdd((endpoint, result, kind), static _ => new Counter()).Increment();
        _durations.GetOrAdd(endpoint, static _ => new Histogram(Buckets.Length)).Observe(elapsed.TotalSeconds, Buckets);
        if (result == AdmissionResults.Injected)
        {
            _injections.Increment();
        }
        else if (result == AdmissionResults.Denied)
        {
            _rejections.GetOrAdd(endpoint, static _ => new Counter()).Increment();
        }
    }

    public void RecordError(string endpoint, string type) => _errors.GetOrAdd((endpoint, type), static _ => new Counter()).Increment();

    public void RecordRelist(string resource, string reason) => _relists.GetOrAdd((resource, reason), static _ => new Counter()).Increment();

    /// <summary>One watch event applied to an API cache (bookmarks included).</summary>
    public void RecordWatchEvent(string resource, WatchEventType type) => _watchEvents.GetOrAdd((resource, type), static _ => new Counter()).Increment();

    /// <summary>A watch that ended in a way that forces a relist, e.g. <c>unreadable</c> for a line that is not an event.</summary>
    public void RecordWatchError(string resource, string reason) => _watchErrors.GetOrAdd((resource, reason), static _ => new Counter()).Increment();

    public void RecordCertificateReload(string outcome) => _certificateReloads.GetOrAdd(outcome, static _ => new Counter()).Increment();

    /// <summary>Registers a gauge read at scrape time, e.g. <c>tls_injector_webhook_cache_objects{resource="secrets"}</c>.</summary>
    public void SetGauge(string nameWithLabels, Func<double> read) => _gauges[nameWithLabels] = read;

    public long RequestCount(string endpoint, string result) => _requests.Where(kv => kv.Key.Endpoint == endpoint && kv.Key.Result == result).Sum(kv => kv.Value.Value);

    /// <summary>The exposition text for <c>GET /metrics</c>.</summary>
    public string Render()
    {
        var sb = new StringBuilder(4096);
        Header(sb, "tls_injector_webhook_requests_total", "counter", "Admission requests by endpoint, result and object kind.");
        foreach (var ((endpoint, result, kind), counter) in _requests.OrderBy(kv => kv.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"tls_injector_webhook_requests_total{{endpoint=\"{endpoint}\",result=\"{result}\",kind=\"{kind}\"}} {counter.Value}\n");
        }

        Header(sb, "tls_injector_webhook_request_duration_seconds", "histogram", "Time to answer an admission request.");
        foreach (var (endpoint, histogram) in _durations.OrderBy(kv => kv.Key))
        {
            histogram.Write(sb, "tls_injector_webhook_request_duration_seconds", $"endpoint=\"{endpoint}\"", Buckets);
        }

        Header(sb, "tls_injector_webhook_injections_total", "counter", "Pods that got the tls-proxy sidecar.");
        sb.Append(CultureInfo.InvariantCulture, $"tls_injector_webhook_injections_total {_injections.Value}\n");

        Header(sb, "tls_injector_webhook_rejections_total", "counter", "Objects refused, by endpoint.");
        foreach (var (endpoint, counter) in _rejections.OrderBy(kv => kv.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"tls_injector_webhook_rejections_total{{endpoint=\"{endpoint}\"}} {counter.Value}\n");
        }

        Header(sb, "tls_injector_webhook_errors_total", "counter", "Bad requests and internal errors, by endpoint and type.");
        foreach (var ((endpoint, type), counter) in _errors.OrderBy(kv => kv.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"tls_injector_webhook_errors_total{{endpoint=\"{endpoint}\",type=\"{type}\"}} {counter.Value}\n");
        }

        Header(sb, "tls_injector_webhook_cache_relists_total", "counter", "Full relists of an API cache, by reason.");
        foreach (var ((resource, reason), counter) in _relists.OrderBy(kv => kv.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"tls_injector_webhook_cache_relists_total{{resource=\"{resource}\",reason=\"{reason}\"}} {counter.Value}\n");
        }

        Header(sb, "tls_injector_webhook_cache_watch_events_total", "counter", "Watch events applied to an API cache, by type.");
        foreach (var ((resource, type), counter) in _watchEvents.OrderBy(kv => kv.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"tls_injector_webhook_cache_watch_events_total{{resource=\"{resource}\",type=\"{WatchTypeLabel(type)}\"}} {counter.Value}\n");
        }

        Header(sb, "tls_injector_webhook_cache_watch_errors_total", "counter", "Watches of an API cache that ended in a relist, by reason (unreadable: a line that is not a watch event).");
        foreach (var ((resource, reason), counter) in _watchErrors.OrderBy(kv => kv.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"tls_injector_webhook_cache_watch_errors_total{{resource=\"{resource}\",reason=\"{reason}\"}} {counter.Value}\n");
        }

        Header(sb, "tls_injector_webhook_certificate_reloads_total", "counter", "Serving certificate reload attempts that changed something or failed.");
        foreach (var (outcome, counter) in _certificateReloads.OrderBy(kv => kv.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"tls_injector_webhook_certificate_reloads_total{{outcome=\"{outcome}\"}} {counter.Value}\n");
        }

        string? lastName = null;
        foreach (var (nameWithLabels, read) in _gauges.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var name = nameWithLabels.Split('{')[0];
            if (name != lastName)
            {
                Header(sb, name, "gauge", GaugeHelp(name));
                lastName = name;
            }

            sb.Append(CultureInfo.InvariantCulture, $"{nameWithLabels} {read():R}\n");
        }

        return sb.ToString();
    }

    private static string WatchTypeLabel(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        WatchEventType.Bookmark => "BOOKMARK",
        _ => "ERROR",
    };

    private static string GaugeHelp(string name) => name switch
    {
        "tls_injector_webhook_cache_objects" => "Objects held in an API cache.",
        "tls_injector_webhook_cache_synced" => "1 once an API cache has listed, else 0.",
        "tls_injector_webhook_certificate_not_after_seconds" => "Expiry of the serving certificate, Unix seconds.",
        "tls_injector_webhook_ready" => "1 when /readyz answers 200.",
        "tls_injector_webhook_native_sidecars" => "1 when the webhook injects native sidecars, else 0, by what decided it: probe, version (the probe failed) or configuration.",
        "tls_injector_escaped_pods" => "Pods the last audit found without tls-proxy (missing) or with stale or invalid sidecar settings; 0 on replicas that do not lead.",
        "tls_injector_audit_leader" => "1 on the replica that holds the audit Lease.",
        _ => name,
    };

    private static void Header(StringBuilder sb, string name, string type, string help)
        => sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }

    private sealed class Histogram(int buckets)
    {
        private readonly long[] _counts = new long[buckets];
        private long _count;
        private long _sumMicroseconds;

        public void Observe(double seconds, double[] bounds)
        {
            for (var i = 0; i < bounds.Length; i++)
            {
                if (seconds <= bounds[i])
                {
                    Interlocked.Increment(ref _counts[i]);
                    break;
                }
            }

            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _sumMicroseconds, (long)(seconds * 1_000_000));
        }

        public void Write(StringBuilder sb, string name, string labels, double[] bounds)
        {
            long cumulative = 0;
            for (var i = 0; i < bounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref _counts[i]);
                sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{bounds[i]:R}\"}} {cumulative}\n");
            }

            var count = Interlocked.Read(ref _count);
            sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {count}\n");
            sb.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {Interlocked.Read(ref _sumMicroseconds) / 1_000_000.0:R}\n");
            sb.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {count}\n");
        }
    }
}
