using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Core.Manifests;
using Injector.Core.NetworkPolicies;
using Injector.Testing;
using k8s;
using k8s.Models;

namespace Injector.Core.Tests.NetworkPolicies;

/// <summary>testdata/netpol/CASE.yaml → CASE.netpol.yaml: the NetworkPolicies <c>tls-injector netpol</c> prints.</summary>
public sealed class NetworkPolicyGoldenTests
{
    public static readonly string CaseDirectory = Path.Combine(RepositoryPaths.Root, "tests", "Injector.Core.Tests", "testdata", "netpol");

    public static TheoryData<string> Cases() => new(Golden.Cases(CaseDirectory, ".netpol.yaml"));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generates_AsGolden(string name)
    {
        var input = File.ReadAllText(Path.Combine(CaseDirectory, name + ".yaml"));
        var result = new ManifestInjector(new PodInjector(new InjectorOptions())).Inject(input, ClusterInfo.Unknown, "default", new NetworkPolicyRequest(false, ["10.0.0.0/8"]));
        var policies = result.Entries.Select(e => e.NetworkPolicy).OfType<V1NetworkPolicy>().ToList();

        Golden.AssertMatches(Path.Combine(CaseDirectory, name + ".netpol.yaml"), string.Join("---\n", policies.Select(p => KubernetesYaml.Serialize(p).TrimEnd('\n') + "\n")));
        foreach (var entry in result.Entries.Where(e => e.NetworkPolicy is not null))
        {
            var template = ManifestDocument.Split(result.Output).Select(ManifestObject.Parse)
                .Where(o => o.Document.Number == entry.Document)
                .Select(o => ManifestInjector.Template(o.Typed!, "default")!)
                .Single();
            Assert.True(LabelSelectors.Matches(entry.NetworkPolicy!.Spec.PodSelector, template.Metadata.Labels), $"{entry.Name}: the policy does not select its own pods");
            Assert.True(NetworkPolicyCoverage.IsIngressRestricted(template.Metadata.Labels, [entry.NetworkPolicy]));
        }
    }

    [Theory]
    [InlineData("app=web", "app", "In", "web", true)]
    [InlineData("app=web", "app", "NotIn", "web", false)]
    [InlineData("app=web", "tier", "DoesNotExist", "", true)]
    [InlineData("app=web", "app", "Exists", "", true)]
    [InlineData("", "app", "Exists", "", false)]
    public void Matches_LabelSelectorExpressions(string labels, string key, string op, string value, bool expected)
    {
        var podLabels = labels.Length == 0 ? new Dictionary<string, string>() : labels.Split(',').Select(l => l.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var selector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = key, OperatorProperty = op, Values = value.Length == 0 ? null : [value] }] };
        Assert.Equal(expected, LabelSelectors.Matches(selector, podLabels));
    }

    [Fact]
    public void Ignores_EgressOnlyPolicies_AndPoliciesForOtherPods()
    {
        var labels = new Dictionary<string, string> { ["app"] = "web" };
        var egressOnly = new V1NetworkPolicy { Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector(), PolicyTypes = ["Egress"] } };
        var otherPods = new V1NetworkPolicy { Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } } } };
        var everyPod = new V1NetworkPolicy { Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector() } };
        Assert.False(NetworkPolicyCoverage.IsIngressRestricted(labels, [egressOnly, otherPods]));
        Assert.True(NetworkPolicyCoverage.IsIngressRestricted(labels, [egressOnly, everyPod]));
    }

    [Theory]
    [InlineData(NetworkPolicyCheck.Warn, false, true)]
    [InlineData(NetworkPolicyCheck.Warn, true, false)]
    [InlineData(NetworkPolicyCheck.Off, false, false)]
    public void Advises_WhenNoPolicySelectsAnInjectedPod(NetworkPolicyCheck check, bool withPolicy, bool expectAdvice)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop", Labels = new Dictionary<string, string> { ["app"] = "web", ["tls-injector.io/inject"] = "true" }, Annotations = new Dictionary<string, string> { ["tls-injector.io/secret"] = "web-tls" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "x", Ports = [new V1ContainerPort { ContainerPort = 8080 }] }] },
        };
        var result = new PodInjector(new InjectorOptions()).Inject(pod, NamespaceInfo.Empty("shop"), ClusterInfo.Unknown);
        V1NetworkPolicy[] policies = withPolicy ? [new V1NetworkPolicy { Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } } }] : [];

        var advice = NetworkPolicyAdvice.For(result, "shop", policies, check);

        Assert.Equal(expectAdvice, advice is not null);
        if (advice is not null)
        {
            Assert.Contains("app port(s) 8080 stay reachable in plaintext", advice, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(NetworkPolicyCheck.Warn, false, true)]
    [InlineData(NetworkPolicyCheck.Reject, false, true)]
    [InlineData(NetworkPolicyCheck.Warn, true, false)]
    [InlineData(NetworkPolicyCheck.Off, false, false)]
    public void Advises_ForWorkloadTemplates_SoKubectlApplyShowsIt(NetworkPolicyCheck check, bool withPolicy, bool expectAdvice)
    {
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web", ["tls-injector.io/inject"] = "true" }, Annotations = new Dictionary<string, string> { ["tls-injector.io/secret"] = "web-tls" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "x", Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }] }] },
        };
        var deployment = new V1Deployment { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop" }, Spec = new V1DeploymentSpec { Template = template } };
        V1NetworkPolicy[] policies = withPolicy ? [new V1NetworkPolicy { Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } } }] : [];

        var advice = NetworkPolicyAdvice.ForWorkload(Injector.Core.Workloads.WorkloadKinds.GetTemplate(deployment)!, NamespaceInfo.Empty("shop"), new InjectorOptions { NetworkPolicyCheck = check }, policies);

        Assert.Equal(expectAdvice, advice is not null);
        if (advice is not null)
        {
            Assert.StartsWith("Deployment \"shop/web\": no NetworkPolicy selects its pods", advice, StringComparison.Ordinal);
        }
    }
}
