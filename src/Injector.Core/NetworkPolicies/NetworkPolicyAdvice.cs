using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Core.Settings;
using Injector.Core.Workloads;
using k8s.Models;

namespace Injector.Core.NetworkPolicies;

/// <summary>
/// The admission message for an injected pod that no ingress NetworkPolicy selects: its app ports answer in
/// plaintext on the pod IP. A warning, an error or nothing, per <see cref="InjectorOptions.NetworkPolicyCheck"/>.
/// </summary>
public static class NetworkPolicyAdvice
{
    /// <summary>
    /// Null when the pod is covered, not injected, or the check is off. <paramref name="namespaceName"/> names the
    /// pod in the advice: its own metadata may lack the namespace on CREATE.
    /// </summary>
    public static string? For(InjectionResult result, string namespaceName, IEnumerable<V1NetworkPolicy> policiesInNamespace, NetworkPolicyCheck check)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(policiesInNamespace);
        if (check == NetworkPolicyCheck.Off
            || result.Decision != InjectionDecision.Injected
            || result.Status is not { } status
            || NetworkPolicyCoverage.IsIngressRestricted(result.Pod.Metadata?.Labels, policiesInNamespace))
        {
            return null;
        }

        var name = PodTemplate.Describe(WorkloadKinds.Pod, result.Pod.Metadata?.NamespaceProperty ?? namespaceName, PodTemplate.NameOf(result.Pod.Metadata));
        return Message(name, "this pod", status.Ports.Select(p => p.AppPort));
    }

    /// <summary>
    /// The same advice for a workload's pod template, at validation: admission warnings of a pod go to whoever
    /// created it, which for a Deployment is the ReplicaSet controller, so <c>kubectl apply</c> would never show
    /// them. Null for bare Pods (the mutating webhook warns about those), workloads not opted in, settings that do
    /// not resolve (reported as errors anyway), covered pods, and <see cref="NetworkPolicyCheck.Off"/>.
    /// </summary>
    public static string? ForWorkload(PodTemplate template, NamespaceInfo ns, InjectorOptions options, IEnumerable<V1NetworkPolicy> policiesInNamespace)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policiesInNamespace);
        if (options.NetworkPolicyCheck == NetworkPolicyCheck.Off
            || template.Kind == WorkloadKinds.Pod
            || OptIn.SkipReason(template.Metadata, template.Spec, ns, options) is not null
            || SettingsResolver.Resolve(template.Metadata, template.Spec, ns, options).Settings is not { } settings
            || NetworkPolicyCoverage.IsIngressRestricted(template.Metadata.Labels, policiesInNamespace))
        {
            return null;
        }

        return Message(template.DisplayName, "its pods", settings.Ports.Select(p => p.AppPort));
    }

    private static string Message(string name, string subject, IEnumerable<int> appPorts)
        => $"{name}: no NetworkPolicy selects {subject} for ingress, so app port(s) {string.Join(", ", appPorts)} stay reachable in plaintext on the pod IP, around tls-proxy. Fix: tls-injector netpol -f <your manifest> | kubectl apply -f - (or set annotation {ContractNames.BindLoopback}: \"true\" if the app honours it).";
}
