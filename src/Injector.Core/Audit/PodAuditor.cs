using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Core.Settings;
using k8s.Models;

namespace Injector.Core.Audit;

/// <summary>
/// Finds running pods the webhook should have changed and did not: escaped pods (opted in by the contract's
/// rules, no <c>tls-proxy</c>) and stale ones (their sidecar's <c>settingsHash</c> no longer matches what their
/// annotations and namespace defaults give, or it runs another image than the configured one, e.g. after an upgrade). The pain it answers: with <c>failurePolicy: Ignore</c>, or with a pod
/// created before its namespace opted in, a pod runs in plaintext and nothing says so (kuma#3293).
/// Pure: the caller lists the pods and namespaces; <c>tls-injector audit</c> and the webhook's loop share it.
/// </summary>
public static class PodAuditor
{
    /// <summary>Every finding among <paramref name="pods"/>, in input order. A namespace missing from <paramref name="namespaces"/> counts as unlabelled.</summary>
    public static IReadOnlyList<AuditFinding> Audit(IEnumerable<V1Pod> pods, IReadOnlyDictionary<string, NamespaceInfo> namespaces, InjectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(options);

        var findings = new List<AuditFinding>();
        foreach (var pod in pods)
        {
            var nsName = pod.Metadata?.NamespaceProperty ?? string.Empty;
            var ns = namespaces.TryGetValue(nsName, out var info) ? info : NamespaceInfo.Empty(nsName);
            if (Audit(pod, ns, options) is { } finding)
            {
                findings.Add(finding);
            }
        }

        return findings;
    }

    /// <summary>The finding for one pod, or null when it is fine (or not ours to judge).</summary>
    public static AuditFinding? Audit(V1Pod pod, NamespaceInfo ns, InjectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(options);

        var metadata = pod.Metadata ?? new V1ObjectMeta();
        if (pod.Spec is not { Containers.Count: > 0 } spec || !IsLive(pod))
        {
            return null;
        }

        // Same rules as admission: a pod the webhook would skip today is not escaped, whatever it runs.
        if (OptIn.SkipReason(metadata, spec, ns, options) is not null)
        {
            return null;
        }

        var hasProxy = spec.Containers.Concat(spec.InitContainers ?? []).Any(c => c.Name == ContractNames.ProxyContainerName);
        var annotations = metadata.Annotations;
        var status = InjectionStatus.TryParse(annotations is not null && annotations.TryGetValue(ContractNames.Status, out var json) ? json : null);
        // The resolver reads an injected pod as it was admitted (status, moved port names), so its hash is comparable.
        var resolution = SettingsResolver.Resolve(metadata, spec, ns, options);
        var errors = resolution.Errors.Select(e => e.Message).ToList();
        var finding = new AuditFinding
        {
            Namespace = ns.Name,
            Pod = metadata.Name ?? "(unnamed)",
            Problem = AuditProblem.Escaped,
            Reason = string.Empty,
            Owner = ControllerOf(metadata),
            SettingsErrors = errors,
            InjectedHash = status?.SettingsHash,
            CurrentHash = resolution.Settings?.Hash(),
        };

        if (!hasProxy)
        {
            var why = OptedInBy(metadata, ns);
            return finding with
            {
                Reason = errors.Count == 0
                    ? $"escaped: no {ContractNames.ProxyContainerName}, although {why}"
                    : $"escaped: no {ContractNames.ProxyContainerName}, although {why}; its settings would be rejected ({errors.Count} error(s))",
            };
        }

        // A container named tls-proxy without our status was not put there by the injector (admission denies that
        // case for new pods); its settings are not ours to compare.
        if (status is null)
        {
            return null;
        }

        if (resolution.Settings is null)
        {
            return finding with
            {
                Problem = AuditProblem.Invalid,
                Reason = $"invalid: injected with settings {status.SettingsHash}, which no longer resolve ({errors.Count} error(s))",
            };
        }

        // After an upgrade every injected pod runs the previous tls-proxy until it is recreated.
        var image = RunningSidecar.Image(spec);
        var imageChange = image is not null && image != options.ProxyImage ? $"image: {image} -> {options.ProxyImage}" : null;
        if (finding.CurrentHash == status.SettingsHash)
        {
            return imageChange is null ? null : finding with { Problem = AuditProblem.Stale, Changes = [imageChange], Reason = $"stale: {imageChange}" };
        }

        var changes = RunningSidecar.Changes(spec, resolution.Settings);
        if (changes is not null && imageChange is not null)
        {
            changes = [.. changes, imageChange];
        }

        return finding with
        {
            Problem = AuditProblem.Stale,
            Changes = changes ?? [],
            Reason = changes switch
            {
                null => $"stale: injected with settings {status.SettingsHash}, annotations and namespace defaults now give {finding.CurrentHash}",

                // Same proxy configuration, different hash: port names, or a status written by another injector version.
                [] => $"stale: settings hash {status.SettingsHash} is now {finding.CurrentHash}, though the sidecar's TLS configuration is unchanged (port names, or injected by another version)",
                _ => $"stale: {string.Join("; ", changes)}",
            },
        };
    }

    /// <summary>The pod's controller (the <c>ownerReference</c> with <c>controller: true</c>), else its first owner.</summary>
    public static WorkloadRef? ControllerOf(V1ObjectMeta metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var owners = metadata.OwnerReferences ?? [];
        var owner = owners.FirstOrDefault(o => o.Controller == true) ?? owners.FirstOrDefault();
        return owner is null ? null : new WorkloadRef(owner.Kind, owner.Name);
    }

    /// <summary>
    /// Finished pods never run again and pods being deleted are on their way out: neither is served in plaintext
    /// for long, and restarting their owner for them would be noise.
    /// </summary>
    private static bool IsLive(V1Pod pod)
        => pod.Metadata?.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed");

    private static string OptedInBy(V1ObjectMeta metadata, NamespaceInfo ns)
        => metadata.Labels is { } labels && labels.TryGetValue(ContractNames.PodInjectLabel, out var value) && value == ContractNames.True
            ? $"pod label {ContractNames.PodInjectLabel}=true"
            : $"namespace {ns.Name} has {ContractNames.NamespaceInjectionLabel}={ContractNames.Enabled}";
}
