using k8s.Models;

namespace Injector.Core.Injection;

internal static partial class PodMutator
{
    /// <summary>
    /// A copy of <paramref name="pod"/> that <see cref="Apply"/> may write to. KubernetesClient models are mutable
    /// records and <c>with</c> copies one level, so this copies every object on a path the mutator writes —
    /// metadata and its annotations, the spec and its container, volume and sysctl lists, each container with its
    /// ports, env and probes — and shares the rest, read-only, with the input. The sharing is what makes the patch
    /// diff cheap (it skips shared subtrees). A write into a shared object would change the input too, the diff
    /// would miss it, and the golden tests — which apply each patch to a freshly parsed original — would fail.
    /// A new write in <see cref="Apply"/> must copy its path here first.
    /// </summary>
    public static V1Pod CopyForMutation(V1Pod pod)
    {
        var metadata = pod.Metadata is { } meta
            ? meta with { Annotations = meta.Annotations is null ? null : new Dictionary<string, string>(meta.Annotations) }
            : null;
        var spec = pod.Spec with
        {
            Containers = CopyContainers(pod.Spec.Containers),
            InitContainers = CopyContainers(pod.Spec.InitContainers),
            Volumes = pod.Spec.Volumes is null ? null : [.. pod.Spec.Volumes],
            SecurityContext = pod.Spec.SecurityContext is { } context
                ? context with { Sysctls = context.Sysctls is null ? null : [.. context.Sysctls] }
                : null,
        };
        return pod with { Metadata = metadata, Spec = spec };
    }

    private static List<V1Container>? CopyContainers(IList<V1Container>? containers)
    {
        if (containers is null)
        {
            return null;
        }

        var copies = new List<V1Container>(containers.Count);
        foreach (var container in containers)
        {
            copies.Add(container with
            {
                Ports = container.Ports?.Select(port => port with { }).ToList(),
                Env = container.Env is null ? null : [.. container.Env],
                LivenessProbe = container.LivenessProbe is { } liveness ? liveness with { } : null,
                ReadinessProbe = container.ReadinessProbe is { } readiness ? readiness with { } : null,
                StartupProbe = container.StartupProbe is { } startup ? startup with { } : null,
            });
        }

        return copies;
    }
}
