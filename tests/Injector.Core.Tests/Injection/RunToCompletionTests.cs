using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Tls.ProxyContract;
using k8s.Models;

namespace Injector.Core.Tests.Injection;

/// <summary>When a classic sidecar gets what it needs to leave with the app, and when the pod is left alone with a warning.</summary>
public sealed class RunToCompletionTests
{
    private static readonly ClusterInfo OldCluster = ClusterInfo.FromVersion("1", "28");

    [Theory]
    [InlineData("Never")]
    [InlineData("OnFailure")]
    public void ClassicJobPod_SharesItsProcessNamespace_AndTellsTheProxyItsContainers(string restartPolicy)
    {
        var result = Inject(Pod(restartPolicy, containers: 2), OldCluster);

        Assert.True(result.Pod.Spec.ShareProcessNamespace);
        Assert.Equal("2", ProxyEnv(result, ProxyEnvironment.AppContainers));
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("Always", false)]
    [InlineData(null, false)]
    [InlineData("Never", true)]
    public void OtherPods_AreUnchanged(string? restartPolicy, bool native)
    {
        var result = Inject(Pod(restartPolicy), native ? ClusterInfo.FromVersion("1", "30") : OldCluster);

        Assert.Null(result.Pod.Spec.ShareProcessNamespace);
        Assert.Null(ProxyEnv(result, ProxyEnvironment.AppContainers));
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("manual", null, null, "tls-injector.io/proxy-exit=manual")]
    [InlineData(null, true, null, "hostPID: true")]
    [InlineData(null, null, false, "shareProcessNamespace: false")]
    public void ClassicJobPod_ThatForbidsTheWatch_IsLeftAlone_WithAWarning(string? proxyExit, bool? hostPid, bool? shareProcessNamespace, string blocker)
    {
        var pod = Pod("Never");
        pod.Spec.HostPID = hostPid;
        pod.Spec.ShareProcessNamespace = shareProcessNamespace;
        if (proxyExit is not null)
        {
            pod.Metadata.Annotations[ContractNames.ProxyExit] = proxyExit;
        }

        var result = Inject(pod, OldCluster);

        Assert.Equal(InjectionDecision.Injected, result.Decision);
        Assert.Equal(shareProcessNamespace, result.Pod.Spec.ShareProcessNamespace);
        Assert.Null(ProxyEnv(result, ProxyEnvironment.AppContainers));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains(blocker, warning, StringComparison.Ordinal);
        Assert.Contains("POST http://127.0.0.1:15021/quitquitquit", warning, StringComparison.Ordinal);
    }

    private static InjectionResult Inject(V1Pod pod, ClusterInfo cluster)
        => new PodInjector(new InjectorOptions()).Inject(pod, NamespaceInfo.Empty("shop"), cluster);

    private static string? ProxyEnv(InjectionResult result, string name)
        => result.Pod.Spec.Containers.Concat(result.Pod.Spec.InitContainers ?? [])
            .Single(c => c.Name == ContractNames.ProxyContainerName).Env.SingleOrDefault(e => e.Name == name)?.Value;

    private static V1Pod Pod(string? restartPolicy, int containers = 1) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = "job",
            NamespaceProperty = "shop",
            Labels = new Dictionary<string, string> { [ContractNames.PodInjectLabel] = ContractNames.True },
            Annotations = new Dictionary<string, string> { [ContractNames.Secret] = "job-tls" },
        },
        Spec = new V1PodSpec
        {
            RestartPolicy = restartPolicy,
            Containers = Enumerable.Range(0, containers).Select(i => new V1Container
            {
                Name = i == 0 ? "app" : $"helper-{i}",
                Image = "example/job:1",
                Ports = i == 0 ? [new V1ContainerPort { Name = "http", ContainerPort = 8080 }] : null,
            }).ToList(),
        },
    };
}
