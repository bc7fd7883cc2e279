using System.Diagnostics.CodeAnalysis;
using System.Text;
using Injector.Core.Injection;
using Injector.Core.NetworkPolicies;
using Injector.Core.Workloads;
using k8s;
using k8s.Models;

namespace Injector.Core.Manifests;

/// <summary>
/// Injects every opted-in Pod or pod template in a multi-document YAML stream, like <c>istioctl kube-inject</c>:
/// other documents come out byte for byte as they went in. Namespace documents in the same stream supply the
/// namespace labels and default annotations, as the cluster would.
/// </summary>
public sealed class ManifestInjector(PodInjector injector)
{
    /// <summary>
    /// Injects <paramref name="yaml"/>; throws <see cref="ManifestException"/> for unreadable YAML. With
    /// <paramref name="networkPolicies"/>, each injected workload is followed by the NetworkPolicy that admits
    /// ingress only on its TLS ports (<see cref="NetworkPolicyGenerator"/>).
    /// </summary>
    [RequiresUnreferencedCode(YamlReflection.Reason)]
    [RequiresDynamicCode(YamlReflection.Reason)]
    public ManifestInjection Inject(string yaml, ClusterInfo cluster, string defaultNamespace = "default", NetworkPolicyRequest? networkPolicies = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var objects = ManifestDocument.Split(yaml).Select(ManifestObject.Parse).ToList();
        var namespaces = NamespacesIn(objects);

        var output = new StringBuilder();
        var entries = new List<ManifestEntry>();
        foreach (var obj in objects)
        {
            var text = obj.Document.Text;
            if (obj.Typed is not null and not V1Namespace and not V1Secret and not V1Service && Template(obj.Typed, defaultNamespace) is { } template)
            {
                var ns = namespaces.GetValueOrDefault(template.Namespace!) ?? NamespaceInfo.Empty(template.Namespace!);
                var result = injector.InjectTemplate(template, ns, cluster);
                var policy = result.Decision is InjectionDecision.Injected or InjectionDecision.AlreadyInjected && networkPolicies is not null
                    ? NetworkPolicyGenerator.For(Template(obj.Typed, defaultNamespace)!, NetworkPolicyGenerator.WorkloadSelector(obj.Typed), injector.Options.HealthPort, networkPolicies.HealthSources)
                    : null;
                entries.Add(new ManifestEntry(obj.Document.Number, template.DisplayName, result, policy));
                if (result.Decision == InjectionDecision.Injected)
                {
                    text = KubernetesYaml.Serialize(obj.Typed);
                }

                if (policy is not null && networkPolicies!.AppendToOutput)
                {
                    text = text.TrimEnd('\n') + "\n---\n" + KubernetesYaml.Serialize(policy);
                }
            }

            if (output.Length > 0)
            {
                output.Append("---\n");
            }

            output.Append(text.TrimEnd('\n')).Append('\n');
        }

        return new ManifestInjection(output.ToString(), entries);
    }

    /// <summary>The pod template of a handled kind, with the namespace the object will land in.</summary>
    public static PodTemplate? Template(object typed, string defaultNamespace)
    {
        ArgumentNullException.ThrowIfNull(typed);
        var ns = (typed as IMetadata<V1ObjectMeta>)?.Metadata?.NamespaceProperty ?? defaultNamespace;
        return WorkloadKinds.GetTemplate(typed, ns);
    }

    /// <summary>The Namespace documents of a stream, as injection sees them.</summary>
    public static Dictionary<string, NamespaceInfo> NamespacesIn(IEnumerable<ManifestObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        return objects
            .Select(o => o.Typed)
            .OfType<V1Namespace>()
            .Where(n => n.Metadata?.Name is not null)
            .ToDictionary(
                n => n.Metadata.Name,
                n => new NamespaceInfo(
                    n.Metadata.Name,
                    new Dictionary<string, string>(n.Metadata.Labels ?? new Dictionary<string, string>()),
                    new Dictionary<string, string>(n.Metadata.Annotations ?? new Dictionary<string, string>())),
                StringComparer.Ordinal);
    }
}

/// <summary>The output stream and what happened to each workload in it.</summary>
public sealed record ManifestInjection(string Output, IReadOnlyList<ManifestEntry> Entries)
{
    public bool HasErrors => Entries.Any(e => e.Result.Decision == InjectionDecision.Denied);
}

/// <summary>What injection did to the workload in document <paramref name="Document"/>, and its NetworkPolicy when asked for.</summary>
public sealed record ManifestEntry(int Document, string Name, InjectionResult Result, k8s.Models.V1NetworkPolicy? NetworkPolicy = null);

/// <summary>Asks for NetworkPolicies: appended after each workload, or only collected; the health port opened to these CIDRs.</summary>
public sealed record NetworkPolicyRequest(bool AppendToOutput, IReadOnlyList<string> HealthSources);
