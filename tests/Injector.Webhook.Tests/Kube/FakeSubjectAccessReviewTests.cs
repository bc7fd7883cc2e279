using Injector.Testing.Kube;
using k8s;
using k8s.Models;

namespace Injector.Webhook.Tests.Kube;

/// <summary>The fake API server answers SubjectAccessReviews from its stored RBAC objects as the RBAC authorizer does.</summary>
public sealed class FakeSubjectAccessReviewTests
{
    private const string User = "system:serviceaccount:tls-injector:tls-injector";

    [Theory]
    [InlineData("", "secrets", "list", null, null, true)]
    [InlineData("", "secrets", "delete", null, null, false)]
    [InlineData("apps", "secrets", "list", null, null, false)]
    [InlineData("", "configmaps", "get", "tls-injector", "settings", true)]
    [InlineData("", "configmaps", "get", "tls-injector", "other", false)]
    [InlineData("", "configmaps", "get", "default", "settings", false)]
    [InlineData("", "pods", "create", "tls-injector", null, true)]
    [InlineData("", "pods", "create", "shop", null, false)]
    [InlineData("", "pods", "create", null, null, false)]
    public async Task Decides_AsRbacWould(string group, string resource, string verb, string? ns, string? name, bool allowed)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.PutManifests("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: reader}
            rules:
              - {apiGroups: [""], resources: ["secrets", "namespaces"], verbs: ["get", "list", "watch"]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: reader}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
            subjects: [{kind: ServiceAccount, name: tls-injector, namespace: tls-injector}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: local, namespace: tls-injector}
            rules:
              - {apiGroups: [""], resources: ["configmaps"], resourceNames: ["settings"], verbs: ["get"]}
              - {apiGroups: ["*"], resources: ["pods"], verbs: ["*"]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: local, namespace: tls-injector}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: local}
            subjects: [{kind: Group, name: "system:serviceaccounts:tls-injector"}]
            """);
        using var client = api.CreateClient();

        var review = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SubjectAccessReview",
            Spec = new V1SubjectAccessReviewSpec
            {
                User = User,
                Groups = ["system:serviceaccounts", "system:serviceaccounts:tls-injector"],
                ResourceAttributes = new V1ResourceAttributes { Group = group, Resource = resource, Verb = verb, NamespaceProperty = ns, Name = name },
            },
        });

        Assert.Equal(allowed, review.Status.Allowed);
        Assert.Equal(allowed, review.Status.Reason?.StartsWith("RBAC: allowed by ", StringComparison.Ordinal) ?? false);
        Assert.Null(api.Get(ResourceType.SubjectAccessReviews, null, "anything"));
    }
}
