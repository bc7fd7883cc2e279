using Injector.Core.Settings;
using k8s.Models;

namespace Injector.Core.Injection;

internal static partial class PodMutator
{
    /// <summary>
    /// A copy of <paramref name="pod"/> that <see cref="Apply"/> may write to with these settings. KubernetesClient
    /// models are mutable records and <c>with</c> copies one level, so this copies every object on a path the
    /// mutator writes — metadata and its annotations, the spec, the containers that have a protected port (with
    /// their ports, env and probes), the pod security context when a low port needs its sysctl — and shares the
    /// rest, read-only, with the input. Lists the mutator replaces outright (volumes, init containers) need no copy.
    /// The sharing is what makes the patch diff cheap: it skips shared subtrees. A write into a shared object would
    /// change the input too, the diff would miss it, and the golden tests — which apply each patch to a freshly
    /// parsed original — would fail. A new write in <see cref="Apply"/> must copy its path here first.
    /// </summary>
    public static V1Pod CopyForMutation(V1Pod pod, TlsSettings settings)
    {
        var metadata = pod.Metadata is { } meta
            ? meta with { Annotations = meta.Annotations is null ? null : new Dictionary<string, string>(meta.Annotations) }
            : null;
        var spec = pod.Spec with
        {
            Containers = [.. pod.Spec.Containers.Select(c => HasProtectedPort(c, settings) ? CopyContainer(c) : c)],
            SecurityContext = pod.Spec.SecurityContext is { } context && NeedsLowPorts(settings)
                ? context with { Sysctls = context.Sysctls is null ? null : [.. context.Sysctls] }
                : pod.Spec.SecurityContext,
        };
        return pod with { Metadata = metadata, Spec = spec };
    }

    private static V1Container CopyContainer(V1Container container) => container with
    {
        Ports = container.Ports?.Select(port => port with { }).ToList(),
        Env = container.Env is null ? null : [.. container.Env],
        LivenessProbe = container.LivenessProbe is { } liveness ? liveness with { } : null,
        ReadinessProbe = container.ReadinessProbe is { } readiness ? readiness with { } : null,
        StartupProbe = container.StartupProbe is { } startup ? startup with { } : null,
    };

    private static bool HasProtectedPort(V1Container container, TlsSettings settings)
    {
        foreach (var mapping in settings.Ports)
        {
            if (mapping.Container == container.Name)
            {
                return true;
            }
        }

        return false;
    }

    private static bool NeedsLowPorts(TlsSettings settings) => settings.Ports.Any(p => p.TlsPort < 1024);
}
