using k8s.Models;

namespace Injector.Core.NetworkPolicies;

/// <summary>Whether any NetworkPolicy of a namespace restricts ingress to a pod (policies are additive: one is enough to start denying).</summary>
public static class NetworkPolicyCoverage
{
    public static bool IsIngressRestricted(IDictionary<string, string>? podLabels, IEnumerable<V1NetworkPolicy> policiesInNamespace)
    {
        ArgumentNullException.ThrowIfNull(policiesInNamespace);
        return policiesInNamespace.Any(p => p.Spec is { } spec
            && AppliesToIngress(spec)
            && LabelSelectors.Matches(spec.PodSelector, podLabels));
    }

    /// <summary>Without policyTypes a policy always covers Ingress (the API server defaults it so).</summary>
    private static bool AppliesToIngress(V1NetworkPolicySpec spec)
        => spec.PolicyTypes is not { Count: > 0 } || spec.PolicyTypes.Contains("Ingress");
}
