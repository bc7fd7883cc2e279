using System.Text.Json.Nodes;
using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Patching;
using Injector.Core.Settings;
using Injector.Core.Workloads;
using k8s.Models;

namespace Injector.Core.Injection;

/// <summary>
/// The product: decides whether a pod gets the <c>tls-proxy</c> sidecar and produces the injected pod and the
/// RFC 6902 patch to it. The webhook and the CLI both call this, and nothing else, to inject.
/// </summary>
public sealed class PodInjector(InjectorOptions options)
{
    public InjectorOptions Options { get; } = options;

    /// <summary>
    /// Injects <paramref name="pod"/>, which is never modified: the result holds a new pod and the patch to it.
    /// </summary>
    public InjectionResult Inject(V1Pod pod, NamespaceInfo ns, ClusterInfo cluster)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(cluster);
        return Inject(pod, ns, cluster, PodTemplate.Describe(WorkloadKinds.Pod, ns.Name, PodTemplate.NameOf(pod.Metadata)));
    }

    private InjectionResult Inject(V1Pod pod, NamespaceInfo ns, ClusterInfo cluster, string name)
    {
        var metadata = pod.Metadata ?? new V1ObjectMeta();
        if (pod.Spec is not { Containers.Count: > 0 } spec)
        {
            return Unchanged(pod, InjectionDecision.Skipped, "pod has no containers");
        }

        if (OptIn.SkipReason(metadata, spec, ns, Options) is { } skip)
        {
            return Unchanged(pod, InjectionDecision.Skipped, skip);
        }

        var hasProxy = spec.Containers.Concat(spec.InitContainers ?? []).Any(c => c.Name == ContractNames.ProxyContainerName);
        var injected = metadata.Annotations?.ContainsKey(ContractNames.Status) == true;
        if (hasProxy && injected)
        {
            return Unchanged(pod, InjectionDecision.AlreadyInjected, "pod already carries the tls-proxy sidecar");
        }

        if (hasProxy)
        {
            return Denied(pod, $"{name}: a container is already named \"{ContractNames.ProxyContainerName}\", the name the injector gives its sidecar. Fix: rename that container, or label the pod {ContractNames.PodInjectLabel}=false.");
        }

        var resolution = SettingsResolver.Resolve(metadata, spec, ns, Options);
        var warnings = resolution.Warnings.Select(w => $"{name}: {w.Message}").ToList();
        if (resolution.Settings is not { } settings)
        {
            return Denied(pod, [.. resolution.Errors.Select(e => $"{name}: {e.Message}")]) with { Warnings = warnings };
        }

        // Mutate a deep copy, then diff the two JSON documents (Istio: pod.DeepCopy(), then createPatch).
        var original = KubernetesModelJson.ToUtf8(pod);
        var copy = KubernetesModelJson.FromUtf8(original);
        var native = UseNativeSidecar(cluster);
        var status = PodMutator.Apply(copy, settings, native, Options);

        if (!native && PodMutator.RunsToCompletion(spec) && PodMutator.AppExitWatchBlocker(spec, settings) is { } blocker)
        {
            warnings.Add($"{name}: restartPolicy {spec.RestartPolicy} with a classic sidecar and {blocker}: tls-proxy cannot see the app exit, so the pod completes only once the app calls POST http://127.0.0.1:{Options.HealthPort}/quitquitquit. Fix: call it when the app is done, or allow the watch (remove {blocker}), or use native sidecars (Kubernetes 1.29+, injector SidecarMode native or auto).");
        }

        return new InjectionResult
        {
            Decision = InjectionDecision.Injected,
            Reason = native ? "injected native sidecar" : "injected classic sidecar",
            Pod = copy,
            Status = status,
            Patch = JsonPatchDiff.Create(JsonNode.Parse(original), KubernetesModelJson.ToNode(copy)),
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Injects the pod template of a workload (Deployment, Job, ...) in place, as <c>tls-injector inject</c> does
    /// for manifests. Returns the same result as for a pod made from the template.
    /// </summary>
    public InjectionResult InjectTemplate(PodTemplate template, NamespaceInfo ns, ClusterInfo cluster)
    {
        ArgumentNullException.ThrowIfNull(template);
        var pod = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = template.Metadata, Spec = template.Spec };
        var result = Inject(pod, ns, cluster, template.DisplayName);
        if (result.Decision == InjectionDecision.Injected)
        {
            WorkloadKinds.ReplaceTemplate(template.Owner, result.Pod.Metadata, result.Pod.Spec);
        }

        return result;
    }

    /// <summary>Native sidecars when configured, or on <c>Auto</c> when <see cref="ClusterInfo.NativeSidecarsSupported"/>.</summary>
    public bool UseNativeSidecar(ClusterInfo cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return Options.SidecarMode switch
        {
            SidecarMode.Native => true,
            SidecarMode.Classic => false,
            _ => cluster.NativeSidecarsSupported,
        };
    }

    private static InjectionResult Unchanged(V1Pod pod, InjectionDecision decision, string reason)
        => new() { Decision = decision, Reason = reason, Pod = pod };

    private static InjectionResult Denied(V1Pod pod, params string[] errors)
        => new() { Decision = InjectionDecision.Denied, Reason = "invalid tls-injector settings", Pod = pod, Errors = errors };
}
