namespace Injector.Cli.Doctor;

/// <summary>
/// What <c>manifests/base/rbac.yaml</c> grants the webhook and why; a test holds the two equal, so doctor checks
/// exactly what the install grants.
/// </summary>
internal static class WebhookPermissions
{
    private static readonly string[] ReadVerbs = ["get", "list", "watch"];

    public static IReadOnlyList<WebhookPermission> For(string injectorNamespace) =>
    [
        .. Read(string.Empty, "namespaces", "opt-in labels and namespace-wide annotation defaults"),
        .. Read(string.Empty, "secrets", "checking the certificate Secrets pods reference"),
        .. Read(string.Empty, "services", "warning when a certificate misses a Service's DNS names"),
        .. Read("networking.k8s.io", "networkpolicies", "warning when no NetworkPolicy closes the plaintext port"),
        new(string.Empty, "pods", "create", injectorNamespace, Required: false, "the dry-run probe of SidecarMode Auto (without it the server version decides)"),
    ];

    private static IEnumerable<WebhookPermission> Read(string group, string resource, string why)
        => ReadVerbs.Select(verb => new WebhookPermission(group, resource, verb, null, Required: true, why));
}
