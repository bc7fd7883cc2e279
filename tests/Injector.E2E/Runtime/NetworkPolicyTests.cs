using Injector.Core.NetworkPolicies;
using Injector.Core.Workloads;
using Injector.E2E.Cluster;
using k8s;
using static Injector.E2E.Cluster.Workloads;

namespace Injector.E2E.Runtime;

/// <summary>
/// The NetworkPolicy <c>tls-injector netpol</c> generates closes the plaintext side door (the app port on
/// the pod IP) while HTTPS through the Service keeps working. Only meaningful where the CNI enforces policies.
/// </summary>
[Collection(ClusterSuite.Name)]
public sealed class NetworkPolicyTests(ClusterFixture cluster)
{
    private const string CaFile = "/certs/" + RuntimeHarness.ServerCaSecret + "/ca.crt";

    [NetworkPolicyFact]
    public async Task GeneratedPolicy_BlocksTheAppPort_AndLetsTlsThrough()
    {
        var harness = await RuntimeHarness.CreateAsync(cluster, "netpol");
        var pod = await harness.DeployAsync("web", []);
        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", harness.Namespace);
        var policy = NetworkPolicyGenerator.For(WorkloadKinds.GetTemplate(pod, harness.Namespace)!, deployment.Spec.Selector, healthPort: 15021);
        Assert.NotNull(policy);
        await cluster.Client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(policy, harness.Namespace);

        var (ok, log) = await harness.RunCurlAsync(
            "netpol",
            $"if curl -sS -o /dev/null --connect-timeout 5 http://{pod.Status.PodIP}:8080/; then echo direct=open; else echo direct=blocked; fi; "
            + $"curl -sS -o /dev/null -w 'code=%{{http_code}}\\n' --cacert {CaFile} https://web.$NS.svc/",
            RuntimeHarness.ServerCaSecret);

        Assert.True(ok, log);
        Assert.Equal("blocked", RuntimeHarness.Result(log, "direct"));
        Assert.Equal("200", RuntimeHarness.Result(log, "code"));
        Assert.True(IsReady(await harness.ReadPodAsync(pod.Metadata.Name)), "probes still pass behind the policy");
    }
}

/// <summary>A runtime check that also needs a CNI enforcing NetworkPolicy (kind's default CNI may not): opt in with TLS_INJECTOR_E2E_NETPOL=1.</summary>
internal sealed class NetworkPolicyFactAttribute : FactAttribute
{
    public const string Variable = "TLS_INJECTOR_E2E_NETPOL";

    public NetworkPolicyFactAttribute()
    {
        Skip = new RuntimeFactAttribute().Skip
            ?? (Environment.GetEnvironmentVariable(Variable) == "1" ? null : $"Needs a CNI that enforces NetworkPolicy (Calico, Cilium): set {Variable}=1 to run it.");
    }
}
