using System.Text.Json.Nodes;

namespace Injector.Testing.Kube;

// SubjectAccessReview: answered from the stored Roles, ClusterRoles and their bindings, as the RBAC authorizer does.
public sealed partial class FakeKubeApiServer
{
    private JsonObject Review(string? body)
    {
        var review = ParseBody(body);
        var spec = review["spec"] as JsonObject ?? throw new ArgumentException("a SubjectAccessReview needs a spec");
        RbacAuthorizer authorizer;
        lock (_gate)
        {
            authorizer = new RbacAuthorizer(
                Stored(ResourceType.ClusterRoles), Stored(ResourceType.ClusterRoleBindings), Stored(ResourceType.Roles), Stored(ResourceType.RoleBindings));
        }

        var reason = authorizer.Authorize(spec);
        review["kind"] = ResourceType.SubjectAccessReviews.Kind;
        review["apiVersion"] = ResourceType.SubjectAccessReviews.ApiVersion;
        review["metadata"] = new JsonObject { ["creationTimestamp"] = null };

        // kube-apiserver gives no reason when RBAC finds no rule: "no opinion" from every authorizer reads as allowed:false.
        review["status"] = reason is null ? new JsonObject { ["allowed"] = false } : new JsonObject { ["allowed"] = true, ["reason"] = reason };
        return review;
    }

    private List<JsonObject> Stored(ResourceType type)
        => [.. _objects.Where(kv => kv.Key.Type == type).Select(kv => kv.Value.DeepClone().AsObject())];
}
