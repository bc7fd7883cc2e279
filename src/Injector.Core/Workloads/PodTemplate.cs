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
    public string DisplayName => Describe(Kind, Namespace, Name);

    /// <summary>How messages name any object: <c>Kind "namespace/name"</c>.</summary>
    public static string Describe(string kind, string? namespaceName, string? name)
        => $"{kind} \"{(string.IsNullOrEmpty(namespaceName) ? string.Empty : namespaceName + "/")}{name ?? "(generated name)"}\"";

    /// <summary>An object's name, or its generateName followed by <c>*</c> before the API server picked one.</summary>
    public static string? NameOf(V1ObjectMeta? metadata) => metadata?.Name ?? (metadata?.GenerateName is { } generated ? generated + "*" : null);
}
