using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Injector.E2E.Manifests;

// The subset of monitoring.coreos.com/v1 that components/monitoring uses, with the Prometheus Operator's field names
// (prometheus-operator/prometheus-operator pkg/apis/monitoring/v1: servicemonitor_types.go, podmonitor_types.go,
// prometheusrule_types.go). Strict parsing against these fails on any field not declared here.

/// <summary>monitoring.coreos.com/v1 ServiceMonitor.</summary>
internal sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ServiceMonitorSpec Spec { get; set; } = new();
}

internal sealed class ServiceMonitorSpec
{
    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    [JsonPropertyName("namespaceSelector")]
    public MonitorNamespaceSelector? NamespaceSelector { get; set; }

    [JsonPropertyName("endpoints")]
    public IList<ScrapeEndpoint> Endpoints { get; set; } = [];
}

/// <summary>monitoring.coreos.com/v1 PodMonitor.</summary>
internal sealed class PodMonitor : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public PodMonitorSpec Spec { get; set; } = new();
}

internal sealed class PodMonitorSpec
{
    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    [JsonPropertyName("namespaceSelector")]
    public MonitorNamespaceSelector? NamespaceSelector { get; set; }

    [JsonPropertyName("podMetricsEndpoints")]
    public IList<ScrapeEndpoint> PodMetricsEndpoints { get; set; } = [];
}

internal sealed class MonitorNamespaceSelector
{
    [JsonPropertyName("any")]
    public bool? Any { get; set; }

    [JsonPropertyName("matchNames")]
    public IList<string>? MatchNames { get; set; }
}

/// <summary>An entry of <c>endpoints</c> (ServiceMonitor) or <c>podMetricsEndpoints</c> (PodMonitor).</summary>
internal sealed class ScrapeEndpoint
{
    [JsonPropertyName("port")]
    public string? Port { get; set; }

    [JsonPropertyName("scheme")]
    public string? Scheme { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }

    [JsonPropertyName("tlsConfig")]
    public ScrapeTlsConfig? TlsConfig { get; set; }
}

internal sealed class ScrapeTlsConfig
{
    [JsonPropertyName("insecureSkipVerify")]
    public bool? InsecureSkipVerify { get; set; }

    [JsonPropertyName("serverName")]
    public string? ServerName { get; set; }
}

/// <summary>monitoring.coreos.com/v1 PrometheusRule.</summary>
internal sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public PrometheusRuleSpec Spec { get; set; } = new();
}

internal sealed class PrometheusRuleSpec
{
    [JsonPropertyName("groups")]
    public IList<RuleGroup> Groups { get; set; } = [];
}

internal sealed class RuleGroup
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    [JsonPropertyName("rules")]
    public IList<AlertRule> Rules { get; set; } = [];
}

internal sealed class AlertRule
{
    [JsonPropertyName("alert")]
    public string? Alert { get; set; }

    [JsonPropertyName("expr")]
    public string Expr { get; set; } = string.Empty;

    [JsonPropertyName("for")]
    public string? For { get; set; }

    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("annotations")]
    public IDictionary<string, string>? Annotations { get; set; }
}
