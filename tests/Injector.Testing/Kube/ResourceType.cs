namespace Injector.Testing.Kube;

/// <summary>
/// A resource the fake API server knows: where its collection lives (<paramref name="ApiPrefix"/> is
/// <c>/api/v1</c> or <c>/apis/GROUP/VERSION</c>), its plural path segment, its kind and whether it is namespaced.
/// </summary>
public sealed record ResourceType(string ApiPrefix, string Plural, string Kind, bool Namespaced)
{
    /// <summary>The apiVersion objects of this type carry: <c>v1</c> or <c>GROUP/VERSION</c>.</summary>
    public string ApiVersion => ApiPrefix == "/api/v1" ? "v1" : ApiPrefix["/apis/".Length..];

    public static readonly ResourceType Namespaces = new("/api/v1", "namespaces", "Namespace", false);
    public static readonly ResourceType Secrets = new("/api/v1", "secrets", "Secret", true);
    public static readonly ResourceType ConfigMaps = new("/api/v1", "configmaps", "ConfigMap", true);
    public static readonly ResourceType Pods = new("/api/v1", "pods", "Pod", true);
    public static readonly ResourceType Services = new("/api/v1", "services", "Service", true);
    public static readonly ResourceType ServiceAccounts = new("/api/v1", "serviceaccounts", "ServiceAccount", true);
    public static readonly ResourceType Deployments = new("/apis/apps/v1", "deployments", "Deployment", true);
    public static readonly ResourceType StatefulSets = new("/apis/apps/v1", "statefulsets", "StatefulSet", true);
    public static readonly ResourceType DaemonSets = new("/apis/apps/v1", "daemonsets", "DaemonSet", true);
    public static readonly ResourceType ReplicaSets = new("/apis/apps/v1", "replicasets", "ReplicaSet", true);
    public static readonly ResourceType Jobs = new("/apis/batch/v1", "jobs", "Job", true);
    public static readonly ResourceType CronJobs = new("/apis/batch/v1", "cronjobs", "CronJob", true);

    public static readonly ResourceType NetworkPolicies = new("/apis/networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true);
    public static readonly ResourceType Leases = new("/apis/coordination.k8s.io/v1", "leases", "Lease", true);
    public static readonly ResourceType Events = new("/api/v1", "events", "Event", true);

    public static readonly ResourceType MutatingWebhookConfigurations =
        new("/apis/admissionregistration.k8s.io/v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false);

    public static readonly ResourceType ValidatingWebhookConfigurations =
        new("/apis/admissionregistration.k8s.io/v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false);

    public static readonly ResourceType Endpoints = new("/api/v1", "endpoints", "Endpoints", true);
    public static readonly ResourceType EndpointSlices = new("/apis/discovery.k8s.io/v1", "endpointslices", "EndpointSlice", true);

    public static readonly ResourceType ClusterRoles = new("/apis/rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", false);
    public static readonly ResourceType ClusterRoleBindings = new("/apis/rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", false);
    public static readonly ResourceType Roles = new("/apis/rbac.authorization.k8s.io/v1", "roles", "Role", true);
    public static readonly ResourceType RoleBindings = new("/apis/rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", true);

    /// <summary>Create-only: answered by <see cref="RbacAuthorizer"/> from the stored roles and bindings, never stored.</summary>
    public static readonly ResourceType SubjectAccessReviews = new("/apis/authorization.k8s.io/v1", "subjectaccessreviews", "SubjectAccessReview", false);

    /// <summary>What a new server knows without <see cref="FakeKubeApiServer.Register"/>.</summary>
    public static readonly IReadOnlyList<ResourceType> Builtin =
    [
        Namespaces, Secrets, ConfigMaps, Pods, Services, ServiceAccounts, Deployments, StatefulSets, DaemonSets,
        ReplicaSets, Jobs, CronJobs, MutatingWebhookConfigurations, ValidatingWebhookConfigurations,
        NetworkPolicies, Leases, Events, Endpoints, EndpointSlices, ClusterRoles, ClusterRoleBindings, Roles, RoleBindings,
        SubjectAccessReviews,
    ];
}
