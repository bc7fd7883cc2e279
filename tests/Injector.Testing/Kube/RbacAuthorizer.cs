using System.Text.Json.Nodes;

namespace Injector.Testing.Kube;

/// <summary>
/// The RBAC authorizer's decision for one SubjectAccessReview spec: a ClusterRoleBinding grants its ClusterRole's
/// rules everywhere, a RoleBinding grants its Role's or ClusterRole's rules in its own namespace. Rules match by
/// apiGroup, resource (<c>resource/subresource</c>), verb and resourceNames, with <c>*</c>; a subject matches the
/// user (a ServiceAccount as <c>system:serviceaccount:NS:NAME</c>) or one of the spec's groups.
/// </summary>
internal sealed class RbacAuthorizer(
    IReadOnlyList<JsonObject> clusterRoles, IReadOnlyList<JsonObject> clusterRoleBindings, IReadOnlyList<JsonObject> roles, IReadOnlyList<JsonObject> roleBindings)
{
    /// <summary>The reason kube-apiserver gives for an allowed request, or null when no binding allows it.</summary>
    public string? Authorize(JsonObject spec)
    {
        var user = spec["user"]?.GetValue<string>() ?? string.Empty;
        var groups = spec["groups"]?.AsArray().Select(g => g!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        var attributes = spec["resourceAttributes"] as JsonObject ?? throw new ArgumentException("only resourceAttributes reviews are supported by the fake API server");
        var ns = Text(attributes, "namespace");

        foreach (var binding in clusterRoleBindings.Where(b => Binds(b, user, groups)))
        {
            if (RoleRules(binding, ns: null).Any(rule => Allows(rule, attributes)))
            {
                return $"RBAC: allowed by ClusterRoleBinding \"{Name(binding)}\" of ClusterRole \"{binding["roleRef"]?["name"]}\" to {Subject(user)}";
            }
        }

        foreach (var binding in roleBindings.Where(b => ns.Length > 0 && b["metadata"]?["namespace"]?.GetValue<string>() == ns && Binds(b, user, groups)))
        {
            if (RoleRules(binding, ns).Any(rule => Allows(rule, attributes)))
            {
                return $"RBAC: allowed by RoleBinding \"{Name(binding)}/{ns}\" of {binding["roleRef"]?["kind"]} \"{binding["roleRef"]?["name"]}\" to {Subject(user)}";
            }
        }

        return null;
    }

    private IEnumerable<JsonObject> RoleRules(JsonObject binding, string? ns)
    {
        var kind = binding["roleRef"]?["kind"]?.GetValue<string>();
        var name = binding["roleRef"]?["name"]?.GetValue<string>();
        var role = kind == "ClusterRole"
            ? clusterRoles.FirstOrDefault(r => Name(r) == name)
            : roles.FirstOrDefault(r => Name(r) == name && r["metadata"]?["namespace"]?.GetValue<string>() == ns);
        return role?["rules"]?.AsArray().OfType<JsonObject>() ?? [];
    }

    private static bool Binds(JsonObject binding, string user, HashSet<string> groups)
        => binding["subjects"]?.AsArray().OfType<JsonObject>().Any(subject => Text(subject, "kind") switch
        {
            "ServiceAccount" => user == $"system:serviceaccount:{Text(subject, "namespace")}:{Text(subject, "name")}",
            "User" => user == Text(subject, "name"),
            "Group" => groups.Contains(Text(subject, "name")),
            _ => false,
        }) ?? false;

    private static bool Allows(JsonObject rule, JsonObject attributes)
    {
        var resource = Text(attributes, "resource");
        var subresource = Text(attributes, "subresource");
        var name = Text(attributes, "name");
        return Covers(rule, "apiGroups", Text(attributes, "group"))
            && Covers(rule, "resources", subresource.Length > 0 ? $"{resource}/{subresource}" : resource)
            && Covers(rule, "verbs", Text(attributes, "verb"))
            && (rule["resourceNames"] is not JsonArray names || names.Count == 0 || (name.Length > 0 && names.Any(n => n?.GetValue<string>() == name)));
    }

    private static bool Covers(JsonObject rule, string field, string value)
        => rule[field]?.AsArray().Any(v => v?.GetValue<string>() is { } s && (s == "*" || s == value)) ?? false;

    private static string Subject(string user)
        => user.Split(':') is ["system", "serviceaccount", var ns, var name] ? $"ServiceAccount \"{name}/{ns}\"" : $"User \"{user}\"";

    private static string Name(JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;

    private static string Text(JsonObject obj, string field) => obj[field]?.GetValue<string>() ?? string.Empty;
}
