using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Core.Workloads;
using k8s.Models;

namespace Injector.Core.NetworkPolicies;

/// <summary>
/// Closes the plaintext side door of port takeover without privileges: a NetworkPolicy that admits ingress to an
/// injected workload only on the sidecar's TLS ports, so the app's own port on the pod IP is unreachable from other
/// pods. (Traffic from the pod's own node, where the kubelet probes come from, is allowed by the common CNI plugins
/// whatever the policy says; the health sources open the health port to given CIDRs for the others.)
/// </summary>
public static class NetworkPolicyGenerator
{
    public const string NameSuffix = "-tls-only";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "tls-injector";

    /// <summary>The policy for an injected workload; null when the template carries no injection status.</summary>
    public static V1NetworkPolicy? For(PodTemplate template, V1LabelSelector? workloadSelector, int healthPort, IReadOnlyList<string>? healthSources = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Metadata.Annotations is not { } annotations
            || !annotations.TryGetValue(ContractNames.Status, out var json)
            || InjectionStatus.TryParse(json) is not { } status)
        {
            return null;
        }

        var selector = workloadSelector ?? new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>()),
        };
        var ingress = new List<V1NetworkPolicyIngressRule>
        {
            new()
            {
                Ports = status.Ports.Select(p => p.TlsPort).Distinct().Order()
                    .Select(p => new V1NetworkPolicyPort { Port = p, Protocol = "TCP" }).ToList(),
            },
        };
        if (healthSources is { Count: > 0 })
        {
            ingress.Add(new V1NetworkPolicyIngressRule
            {
                FromProperty = healthSources.Select(cidr => new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = cidr } }).ToList(),
                Ports = [new V1NetworkPolicyPort { Port = healthPort, Protocol = "TCP" }],
            });
        }

        var baseName = (template.Name ?? "pod").TrimEnd('*').TrimEnd('-');
        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = new V1ObjectMeta
            {
                Name = baseName[..Math.Min(baseName.Length, 253 - NameSuffix.Length)] + NameSuffix,
                NamespaceProperty = template.Namespace,
                Labels = new Dictionary<string, string> { [ManagedByLabel] = ManagedByValue },
            },
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = selector,
                PolicyTypes = ["Ingress"],
                Ingress = ingress,
            },
        };
    }

    /// <summary>The selector of a workload's pods (its spec.selector), or null for a bare Pod or CronJob.</summary>
    public static V1LabelSelector? WorkloadSelector(object owner) => owner switch
    {
        V1Deployment d => d.Spec?.Selector,
        V1StatefulSet s => s.Spec?.Selector,
        V1DaemonSet ds => ds.Spec?.Selector,
        V1ReplicaSet r => r.Spec?.Selector,
        _ => null,
    };
}
