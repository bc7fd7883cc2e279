using k8s;
using k8s.Models;

namespace Injector.Cli.Doctor;

// The webhook's own permissions. SelfSubjectAccessReview could only check the caller, so this asks with a
// SubjectAccessReview for the webhook's ServiceAccount, as `kubectl auth can-i --as` does.
internal sealed partial class ClusterDoctor
{
    private async Task<DoctorCheck> CheckRbacAsync(string name, CancellationToken cancellationToken)
    {
        var serviceAccount = _deployment?.Spec.Template.Spec.ServiceAccountName ?? InstallNames.ServiceAccount;
        var user = $"system:serviceaccount:{injectorNamespace}:{serviceAccount}";
        var denied = new List<WebhookPermission>();
        var permissions = WebhookPermissions.For(injectorNamespace);
        foreach (var permission in permissions)
        {
            var review = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(
                new V1SubjectAccessReview
                {
                    ApiVersion = "authorization.k8s.io/v1",
                    Kind = "SubjectAccessReview",
                    Spec = new V1SubjectAccessReviewSpec
                    {
                        User = user,
                        Groups = ["system:serviceaccounts", $"system:serviceaccounts:{injectorNamespace}", "system:authenticated"],
                        ResourceAttributes = new V1ResourceAttributes
                        {
                            Group = permission.Group,
                            Resource = permission.Resource,
                            Verb = permission.Verb,
                            NamespaceProperty = permission.Namespace,
                        },
                    },
                },
                cancellationToken: cancellationToken);
            if (review.Status?.Allowed != true)
            {
                denied.Add(permission);
            }
        }

        var who = $"ServiceAccount {injectorNamespace}/{serviceAccount}";
        var fix = "apply the install manifests again (the ClusterRole and ClusterRoleBinding tls-injector, the Role and RoleBinding tls-injector-sidecar-probe; manifests/base/rbac.yaml); check with kubectl auth can-i --as " + user + ".";
        if (denied.Any(p => p.Required))
        {
            return DoctorCheck.Fail(name, $"{who} may not {Describe(denied.Where(p => p.Required))}.", fix);
        }

        return denied.Count > 0
            ? DoctorCheck.Warn(name, $"{who} has what it needs, but may not {Describe(denied)}.", fix)
            : DoctorCheck.Pass(name, $"{who} may do all {permissions.Count} things the webhook needs (get, list, watch namespaces, secrets, services, networkpolicies; create pods in {injectorNamespace}).");
    }

    /// <summary>One clause per resource: <c>get, list, watch secrets (all namespaces), for checking ...</c>.</summary>
    private static string Describe(IEnumerable<WebhookPermission> denied)
        => string.Join("; ", denied
            .GroupBy(p => (p.Group, p.Resource, p.Namespace, p.Why))
            .Select(g => $"{string.Join(", ", g.Select(p => p.Verb))} {g.First().ToString()[(g.First().Verb.Length + 1)..]}, for {g.Key.Why}"));
}
