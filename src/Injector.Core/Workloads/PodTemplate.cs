using k8s.Models;

namespace Injector.Core.Workloads;

/// <summary>
/// The pod part of any object that holds one: a Pod itself, or the template of a Deployment, StatefulSet,
/// DaemonSet, ReplicaSet, Job or CronJob. <see cref="Metadata"/> and <see cref="Spec"/> are the live objects
/// inside <see cref="Owner"/>, so mutating them mutates the owner.
/// </summary>
public sealed record PodTemplate(string Kind, string? Name, string? Namespace, V1ObjectMeta Metadata, V1PodSpec Spec, object Owner)
{
    /// <summary>How messages name the object: <c>Deployment "shop/web"</c>.</summary>
    public string DisplayName => $"{Kind} \"{(string.IsNullOrEmpty(Namespace) ? string.Empty : Namespace + "/")}{Name ?? "(generated name)"}\"";
}
