using Injector.Core.Contract;
using Injector.Core.Injection;
using k8s;
using k8s.Models;

namespace Injector.Core.Audit;

/// <summary>
/// An injected pod turned back into the pod its owner would create today: no <c>tls-proxy</c>, no status, and the
/// app ports under the names they had before the sidecar took them over (the status records them). Resolving the
/// injected pod itself would not do: a named port whose name moved to the sidecar resolves, without a
/// <c>ports</c> annotation, to a mapping without that name, and so to a different hash for unchanged settings.
/// </summary>
internal static class AdmittedPod
{
    public static (V1ObjectMeta Metadata, V1PodSpec Spec) Reconstruct(V1Pod pod, InjectionStatus status)
    {
        // KubernetesClient models are mutable: work on a copy, never on the caller's pod.
        var copy = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pod));
        var metadata = copy.Metadata ?? new V1ObjectMeta();
        metadata.Annotations?.Remove(ContractNames.Status);

        var spec = copy.Spec;
        spec.Containers = [.. spec.Containers.Where(c => c.Name != ContractNames.ProxyContainerName)];
        spec.InitContainers = spec.InitContainers is null ? null : [.. spec.InitContainers.Where(c => c.Name != ContractNames.ProxyContainerName)];

        foreach (var mapping in status.Ports.Where(m => m.PortName is not null))
        {
            var port = spec.Containers
                .Where(c => c.Name == mapping.Container)
                .SelectMany(c => c.Ports ?? [])
                .FirstOrDefault(p => p.ContainerPort == mapping.AppPort && p.Name is null);
            if (port is not null)
            {
                port.Name = mapping.PortName;
            }
        }

        return (metadata, spec);
    }
}
