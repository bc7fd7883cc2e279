using System.Text.Json;
using k8s;
using k8s.Models;

namespace Injector.Core.Workloads;

/// <summary>The kinds whose pods the injector handles, and how to reach the pod template inside each.</summary>
public static class WorkloadKinds
{
    public const string Pod = "Pod";
    public const string Deployment = "Deployment";
    public const string StatefulSet = "StatefulSet";
    public const string DaemonSet = "DaemonSet";
    public const string ReplicaSet = "ReplicaSet";
    public const string Job = "Job";
    public const string CronJob = "CronJob";

    public static readonly IReadOnlyList<string> All = [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob];

    /// <summary>CronJob's only version on API servers 1.19 and 1.20 (batch/v1 came in 1.21); same pod template shape.</summary>
    public const string CronJobV1Beta1 = "batch/v1beta1";

    /// <summary>
    /// The apiVersions each kind is read in, newest first; the validating webhook's rules register the same ones.
    /// The model of the first reads every one of them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ApiVersions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [Pod] = ["v1"],
        [Deployment] = ["apps/v1"],
        [StatefulSet] = ["apps/v1"],
        [DaemonSet] = ["apps/v1"],
        [ReplicaSet] = ["apps/v1"],
        [Job] = ["batch/v1"],
        [CronJob] = ["batch/v1", CronJobV1Beta1],
    };

    /// <summary>The KubernetesClient model for a kind; null for a kind the injector does not handle.</summary>
    public static Type? ModelFor(string? kind) => kind switch
    {
        Pod => typeof(V1Pod),
        Deployment => typeof(V1Deployment),
        StatefulSet => typeof(V1StatefulSet),
        DaemonSet => typeof(V1DaemonSet),
        ReplicaSet => typeof(V1ReplicaSet),
        Job => typeof(V1Job),
        CronJob => typeof(V1CronJob),
        _ => null,
    };

    /// <summary>
    /// Deserializes a handled kind from UTF-8 JSON with KubernetesClient's contracts (those <see cref="KubernetesJson"/>
    /// uses); null for other kinds.
    /// </summary>
    public static object? Deserialize(string kind, ReadOnlySpan<byte> utf8Json)
        => ModelFor(kind) is { } model ? JsonSerializer.Deserialize(utf8Json, KubernetesModelJson.Options.GetTypeInfo(model)) : null;

    /// <summary>
    /// The pod (template) inside <paramref name="obj"/>; null when the object holds none
    /// (a workload without <c>spec.template.spec</c>, or a kind not handled here).
    /// </summary>
    public static PodTemplate? GetTemplate(object obj, string? namespaceOverride = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj switch
        {
            V1Pod p when p.Spec is not null => Make(Pod, p.Metadata, p.Metadata ??= new V1ObjectMeta(), p.Spec, p),
            V1Deployment d => FromTemplate(Deployment, d.Metadata, d.Spec?.Template, d),
            V1StatefulSet s => FromTemplate(StatefulSet, s.Metadata, s.Spec?.Template, s),
            V1DaemonSet ds => FromTemplate(DaemonSet, ds.Metadata, ds.Spec?.Template, ds),
            V1ReplicaSet r => FromTemplate(ReplicaSet, r.Metadata, r.Spec?.Template, r),
            V1Job j => FromTemplate(Job, j.Metadata, j.Spec?.Template, j),
            V1CronJob c => FromTemplate(CronJob, c.Metadata, c.Spec?.JobTemplate?.Spec?.Template, c),
            _ => null,
        };

        PodTemplate? FromTemplate(string kind, V1ObjectMeta? owner, V1PodTemplateSpec? template, object root)
            => template?.Spec is null ? null : Make(kind, owner, template.Metadata ??= new V1ObjectMeta(), template.Spec, root);

        PodTemplate Make(string kind, V1ObjectMeta? owner, V1ObjectMeta podMeta, V1PodSpec spec, object root)
        {
            return new PodTemplate(kind, PodTemplate.NameOf(owner), namespaceOverride ?? owner?.NamespaceProperty, podMeta, spec, root);
        }
    }

    /// <summary>Puts an injected pod's metadata and spec back into the workload that owns the template.</summary>
    public static void ReplaceTemplate(object owner, V1ObjectMeta metadata, V1PodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var template = owner switch
        {
            V1Deployment d => d.Spec.Template,
            V1StatefulSet s => s.Spec.Template,
            V1DaemonSet ds => ds.Spec.Template,
            V1ReplicaSet r => r.Spec.Template,
            V1Job j => j.Spec.Template,
            V1CronJob c => c.Spec.JobTemplate.Spec.Template,
            _ => null,
        };
        if (owner is V1Pod pod)
        {
            pod.Metadata = metadata;
            pod.Spec = spec;
        }
        else if (template is not null)
        {
            template.Metadata = metadata;
            template.Spec = spec;
        }
        else
        {
            throw new ArgumentException($"{owner.GetType().Name} holds no pod template.", nameof(owner));
        }
    }
}
