using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Injection;
using k8s.Models;

namespace Injector.Core.NetworkPolicies;

/// <summary>
/// The admission message for an injected pod that no ingress NetworkPolicy selects: its app ports answer in
/// plaintext on the pod IP. A warning, an error or nothing, per <see cref="InjectorOptions.NetworkPolicyCheck"/>.
/// </summary>
public static class NetworkPolicyAdvice
{
    /// <summary>Null when the pod is covered, not injected, or the check is off.</summary>
    public static string? For(InjectionResult result, IEnumerable<V1NetworkPolicy> policiesInNamespace, NetworkPolicyCheck check)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(policiesInNamespace);
        if (check == NetworkPolicyCheck.Off
            || result.Decision != InjectionDecision.Injected
            || result.Pod.Metadata?.Annotations is not { } annotations
            || !annotations.TryGetValue(ContractNames.Status, out var json)
            || InjectionStatus.TryParse(json) is not { } status
            || NetworkPolicyCoverage.IsIngressRestricted(result.Pod.Metadata.Labels, policiesInNamespace))
        {
            return null;
        }

        var name = $"{result.Pod.Metadata.NamespaceProperty}/{result.Pod.Metadata.Name ?? result.Pod.Metadata.GenerateName + "*"}";
        var appPorts = string.Join(", ", status.Ports.Select(p => p.AppPort));
        return $"Pod \"{name}\": no NetworkPolicy selects this pod for ingress, so its app port(s) {appPorts} stay reachable in plaintext on the pod IP, around tls-proxy. Fix: tls-injector netpol -f <your manifest> | kubectl apply -f - (or set annotation {ContractNames.BindLoopback}: \"true\" if the app honours it).";
    }
}
