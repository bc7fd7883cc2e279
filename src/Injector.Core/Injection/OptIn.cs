using Injector.Core.Configuration;
using Injector.Core.Contract;
using k8s.Models;

namespace Injector.Core.Injection;

/// <summary>Whether a pod gets a sidecar (docs/annotations.md, opt-in), and why (or why not) in words fit for a log line.</summary>
public static class OptIn
{
    /// <summary>Null when the pod should be injected; otherwise the reason it is skipped.</summary>
    public static string? SkipReason(V1ObjectMeta metadata, V1PodSpec spec, NamespaceInfo ns, InjectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(options);

        if (ContractNames.SystemNamespaces.Contains(ns.Name) || ns.Name == options.InjectorNamespace || options.ExcludedNamespaces.Contains(ns.Name))
        {
            return $"namespace {ns.Name} is excluded from injection";
        }

        var namespaceLabel = ns.Labels.TryGetValue(ContractNames.NamespaceInjectionLabel, out var nsValue) ? nsValue : null;
        if (namespaceLabel == ContractNames.Disabled)
        {
            return $"namespace {ns.Name} has {ContractNames.NamespaceInjectionLabel}=disabled";
        }

        var podLabel = metadata.Labels is { } labels && labels.TryGetValue(ContractNames.PodInjectLabel, out var podValue) ? podValue : null;
        if (podLabel == ContractNames.False)
        {
            return $"pod has {ContractNames.PodInjectLabel}=false";
        }

        if (podLabel != ContractNames.True && namespaceLabel != ContractNames.Enabled)
        {
            return $"not opted in: neither the pod label {ContractNames.PodInjectLabel}=true nor the namespace label {ContractNames.NamespaceInjectionLabel}=enabled is set";
        }

        if (spec.HostNetwork == true)
        {
            return "pod uses hostNetwork: the sidecar would bind the node's ports";
        }

        return null;
    }
}
