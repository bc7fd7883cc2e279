using System.Text.RegularExpressions;
using Injector.Testing;
using k8s.Models;

namespace Injector.E2E.Manifests;

/// <summary>
/// <c>components/monitoring</c> on every overlay, loaded strictly: the monitors scrape what the install serves, and
/// every alert queries a series the webhook or the proxy really exports (names read from their metrics code).
/// </summary>
public sealed partial class MonitoringComponentTests
{
    private const string Component = "components/monitoring";

    public static TheoryData<string> Overlays => ManifestTests.Overlays;

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task Monitors_ScrapeTheWebhookAndEverySidecar(string overlay)
    {
        var m = await RenderedManifests.RenderWithComponentAsync(overlay, Component);

        var service = m.Single<V1Service>("tls-injector-webhook");
        var serviceMonitor = Assert.Single(m.All<ServiceMonitor>());
        Assert.True(LabelSelectors.Matches(serviceMonitor.Spec.Selector, service.Metadata.Labels.AsReadOnly()));
        var endpoint = Assert.Single(serviceMonitor.Spec.Endpoints);
        Assert.Contains(service.Spec.Ports, p => p.Name == endpoint.Port);
        Assert.Equal(("https", "/metrics"), (endpoint.Scheme, endpoint.Path));

        // The sidecar's health port, as the injector names it in every golden.
        var podMonitor = Assert.Single(m.All<PodMonitor>());
        var sidecarPort = Assert.Single(podMonitor.Spec.PodMetricsEndpoints).Port;
        Assert.Equal("tls-health", sidecarPort);
        var golden = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "tests", "Injector.Core.Tests", "testdata", "inject", "pod-single-port.injected.yaml"));
        Assert.Contains($"name: {sidecarPort}\n", golden, StringComparison.Ordinal);
        Assert.True(podMonitor.Spec.NamespaceSelector?.Any, "sidecars run in every namespace");

        var pod = m.Single<V1Deployment>("tls-injector-webhook").Spec.Template.Spec;
        Assert.Equal("true", m.Single<V1ConfigMap>(pod.Containers[0].EnvFrom.Single().ConfigMapRef.Name).Data["Injector__ProxyMetrics"]);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task EveryAlert_QueriesExportedSeries_AndIsDocumented(string overlay)
    {
        var m = await RenderedManifests.RenderWithComponentAsync(overlay, Component);
        var exported = await ExportedSeriesAsync();
        var rules = Assert.Single(m.All<PrometheusRule>()).Spec.Groups.SelectMany(g => g.Rules).ToList();

        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            var series = SeriesName().Matches(rule.Expr).Select(x => x.Value).ToList();
            Assert.True(series.Count > 0, $"{rule.Alert}: its expression names no tls-injector series: {rule.Expr}");
            Assert.All(series, s => Assert.True(exported.Contains(s), $"{rule.Alert}: {s} is exported by neither the webhook nor the proxy."));
            Assert.Contains(rule.Labels?["severity"], new[] { "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(rule.Annotations?["summary"]), $"{rule.Alert} has no summary");
            Assert.Matches("^([0-9]+[smh])?$", rule.For ?? string.Empty);
        }

        // The alerts docs/operations.md describes are exactly the ones installed.
        var operations = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "operations.md"));
        var documented = DocumentedAlert().Matches(operations).Select(x => x.Groups[1].Value).Order(StringComparer.Ordinal);
        Assert.Equal(documented, rules.Select(r => r.Alert!).Order(StringComparer.Ordinal));
        foreach (var topic in new[] { "CertificateExpiringSoon", "WebhookErrors", "EscapedPods", "NotReady" })
        {
            Assert.Contains(rules, r => r.Alert!.Contains(topic, StringComparison.Ordinal));
        }
    }

    /// <summary>The guard above has teeth: a misspelt series is not among the exported ones.</summary>
    [Fact]
    public async Task ExportedSeries_AreReadFromTheMetricsCode()
    {
        var exported = await ExportedSeriesAsync();

        Assert.Contains("tls_proxy_certificate_reloads_total", exported);
        Assert.Contains("tls_injector_webhook_certificate_reloads_total", exported);
        Assert.Contains("tls_injector_webhook_request_duration_seconds_bucket", exported);
        Assert.Contains("tls_injector_webhook_ready", exported);
        Assert.DoesNotContain("tls_proxy_certificate_reload_total", exported);
        Assert.DoesNotContain("tls_injector_webhook_certificate_reloads", exported);
    }

    /// <summary>
    /// The proxy writes its exposition by hand (<c>Header(text, "name", ...)</c>); the webhook creates instruments that
    /// OpenTelemetry's exporter names with <c>_seconds</c> for unit s, <c>_total</c> for counters, and the histogram series.
    /// </summary>
    private static async Task<HashSet<string>> ExportedSeriesAsync()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var proxy = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "src", "Injector.Proxy", "Metrics", "ProxyMetrics.cs"));
        names.UnionWith(ProxyHeader().Matches(proxy).Select(x => x.Groups[1].Value));

        var webhook = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "src", "Injector.Webhook", "Metrics", "WebhookMetrics.cs"));
        foreach (Match instrument in WebhookInstrument().Matches(webhook))
        {
            var (kind, name, rest) = (instrument.Groups[1].Value, instrument.Groups[2].Value, instrument.Groups[3].Value);
            if (rest.Contains("unit: \"s\"", StringComparison.Ordinal) && !name.EndsWith("_seconds", StringComparison.Ordinal))
            {
                name += "_seconds";
            }

            if (kind is "Counter" or "ObservableCounter")
            {
                name += "_total";
            }

            names.Add(name);
            if (kind == "Histogram")
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
        }

        Assert.True(names.Count > 20, $"only {names.Count} series found; did the metrics code move?");
        return names;
    }

    [GeneratedRegex(@"\btls_(?:proxy|injector_webhook)_[a-z_]+\b")]
    private static partial Regex SeriesName();

    [GeneratedRegex(@"Header\(text, ""(tls_proxy_[a-z_]+)""")]
    private static partial Regex ProxyHeader();

    [GeneratedRegex(@"Create(Counter|Histogram|ObservableGauge|ObservableCounter|UpDownCounter|Gauge)(?:<[^>]+>)?\(""(tls_injector_webhook_[a-z_]+)""([^;]*)")]
    private static partial Regex WebhookInstrument();

    [GeneratedRegex(@"^\| `(Tls[A-Za-z]+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedAlert();
}
