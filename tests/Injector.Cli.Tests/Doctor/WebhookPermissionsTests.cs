using System.Text.Json.Nodes;
using Injector.Cli.Doctor;
using Injector.Testing;

namespace Injector.Cli.Tests.Doctor;

public sealed class WebhookPermissionsTests
{
    /// <summary>Doctor checks what the install grants, no more and no less: a rule added to rbac.yaml must be added here.</summary>
    [Fact]
    public void MatchesTheRulesOfManifestsBaseRbac()
    {
        var objects = YamlJson.ParseAll(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "manifests", "base", "rbac.yaml"))).Select(o => o!.AsObject()).ToList();
        var granted = Rules(objects, "ClusterRole", "tls-injector", ns: null)
            .Concat(Rules(objects, "Role", "tls-injector-sidecar-probe", ns: "tls-injector"))
            .Order(StringComparer.Ordinal);

        var checkedByDoctor = WebhookPermissions.For("tls-injector").Select(p => $"{p.Group}|{p.Resource}|{p.Verb}|{p.Namespace}").Order(StringComparer.Ordinal);

        Assert.Equal(granted, checkedByDoctor);
    }

    private static IEnumerable<string> Rules(List<JsonObject> objects, string kind, string name, string? ns)
    {
        var role = Assert.Single(objects, o => o["kind"]!.GetValue<string>() == kind && o["metadata"]!["name"]!.GetValue<string>() == name);
        return from rule in role["rules"]!.AsArray()
               from g in rule!["apiGroups"]!.AsArray()
               from r in rule["resources"]!.AsArray()
               from v in rule["verbs"]!.AsArray()
               select $"{g}|{r}|{v}|{ns}";
    }
}
