using k8s.Models;

namespace Injector.E2E.Cluster;

/// <summary>Builds the test pods and workloads, and finds what the injector added to them.</summary>
internal static class Workloads
{
    public const string ProxyContainer = "tls-proxy";
    public const string Prefix = "tls-injector.io/";

    /// <summary>A pod template of one app container on port 8080 named <c>http</c>.</summary>
    public static V1PodTemplateSpec AppTemplate(
        string app, IDictionary<string, string>? annotations = null, string? injectLabel = null, bool probes = false)
    {
        var labels = new Dictionary<string, string> { ["app"] = app };
        if (injectLabel is not null)
        {
            labels[Prefix + "inject"] = injectLabel;
        }

        var container = new V1Container
        {
            Name = "app",
            Image = ClusterFixture.AppImage,
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080, Protocol = "TCP" }],
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("16Mi") },
                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi") },
            },
        };
        if (probes)
        {
            container.ReadinessProbe = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = "/", Port = "http" },
                PeriodSeconds = 2,
                FailureThreshold = 2,
            };
            container.LivenessProbe = new V1Probe
            {
                TcpSocket = new V1TCPSocketAction { Port = 8080 },
                PeriodSeconds = 2,
                FailureThreshold = 2,
            };
        }

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = labels, Annotations = annotations ?? new Dictionary<string, string>() },
            Spec = new V1PodSpec { Containers = [container], TerminationGracePeriodSeconds = 2 },
        };
    }

    public static V1Pod Pod(string name, V1PodTemplateSpec template) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = template.Metadata.Labels, Annotations = template.Metadata.Annotations },
        Spec = template.Spec,
    };

    public static V1Deployment Deployment(string name, V1PodTemplateSpec template) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = template.Metadata.Labels },
            Template = template,
        },
    };

    /// <summary>A Service on 443 that targets the app's port <b>by name</b>, so injection must move the name to the TLS port.</summary>
    public static V1Service Service(string name, string app) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = app },
            Ports = [new V1ServicePort { Name = "https", Port = 443, TargetPort = "http", Protocol = "TCP" }],
        },
    };

    public static Dictionary<string, string> Annotations(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => Prefix + p.Key, p => p.Value);

    /// <summary>The injected sidecar, wherever the injector put it (native: an init container; classic: a container).</summary>
    public static V1Container? FindProxy(V1PodSpec spec) =>
        spec.InitContainers?.FirstOrDefault(c => c.Name == ProxyContainer) ?? spec.Containers.FirstOrDefault(c => c.Name == ProxyContainer);

    public static int CountProxies(V1PodSpec spec) =>
        (spec.InitContainers ?? []).Count(c => c.Name == ProxyContainer) + spec.Containers.Count(c => c.Name == ProxyContainer);

    public static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
