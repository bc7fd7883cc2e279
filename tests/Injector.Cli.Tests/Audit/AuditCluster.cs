using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Testing.Kube;
using k8s;
using k8s.Models;

namespace Injector.Cli.Tests.Audit;

/// <summary>
/// A fake API server seeded as a small cluster, in the JSON kube-apiserver serves:
/// <code>
/// shop (injection=enabled, secret default web-tls)
///   Deployment web ← ReplicaSet web-7d9c ← Pod web-7d9c-abcde   escaped (created while the webhook was down)
///   StatefulSet db ← Pod db-0                                   stale   (injected before min-tls-version 1.3 became the default)
///   Pod debug (no owner)                                         escaped
///   Deployment ok ← ReplicaSet ok-5f6 ← Pod ok-5f6-xyz          injected with today's settings: clean
/// blog (no label)  Pod blog-1: not opted in: clean
/// kube-system      Pod coredns-1: excluded: clean
/// </code>
/// </summary>
internal sealed class AuditCluster : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tls-injector-audit-").FullName;

    private AuditCluster(FakeKubeApiServer api)
    {
        Api = api;
        Kubeconfig = api.WriteKubeConfig(_dir, "audit-token");
    }

    public FakeKubeApiServer Api { get; }

    public string Kubeconfig { get; }

    public static async Task<AuditCluster> StartAsync(bool seed = true)
    {
        var api = await FakeKubeApiServer.StartAsync();
        api.RequiredToken = "audit-token";
        var cluster = new AuditCluster(api);
        if (seed)
        {
            cluster.Seed();
        }

        return cluster;
    }

    public void Seed()
    {
        Api.Put(ResourceType.Namespaces, """
            {"metadata":{"name":"shop","labels":{"kubernetes.io/metadata.name":"shop","tls-injector.io/injection":"enabled"},
             "annotations":{"tls-injector.io/secret":"web-tls","tls-injector.io/min-tls-version":"1.3"}},
             "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}
            """);
        Api.Put(ResourceType.Namespaces, """{"metadata":{"name":"blog","labels":{"kubernetes.io/metadata.name":"blog"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}""");
        Api.Put(ResourceType.Namespaces, """{"metadata":{"name":"kube-system","labels":{"kubernetes.io/metadata.name":"kube-system"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}""");

        Api.Put(ResourceType.Deployments, Workload("web", "shop"));
        Api.Put(ResourceType.ReplicaSets, Workload("web-7d9c", "shop", ownerKind: "Deployment", ownerName: "web"));
        Api.Put(ResourceType.Pods, PodJson("web-7d9c-abcde", "shop", "ReplicaSet", "web-7d9c"));

        Api.Put(ResourceType.StatefulSets, Workload("db", "shop"));
        var shopBefore = new NamespaceInfo("shop", new Dictionary<string, string> { ["tls-injector.io/injection"] = "enabled" }, new Dictionary<string, string> { ["tls-injector.io/secret"] = "web-tls" });
        Api.Put(ResourceType.Pods, Injected(PodJson("db-0", "shop", "StatefulSet", "db"), shopBefore));

        Api.Put(ResourceType.Pods, PodJson("debug", "shop", ownerKind: null, ownerName: null));

        Api.Put(ResourceType.Deployments, Workload("ok", "shop"));
        Api.Put(ResourceType.ReplicaSets, Workload("ok-5f6", "shop", ownerKind: "Deployment", ownerName: "ok"));
        var shopNow = shopBefore with { Annotations = new Dictionary<string, string>(shopBefore.Annotations) { ["tls-injector.io/min-tls-version"] = "1.3" } };
        Api.Put(ResourceType.Pods, Injected(PodJson("ok-5f6-xyz", "shop", "ReplicaSet", "ok-5f6"), shopNow));

        Api.Put(ResourceType.Pods, PodJson("blog-1", "blog", ownerKind: null, ownerName: null));
        Api.Put(ResourceType.Pods, PodJson("coredns-1", "kube-system", ownerKind: null, ownerName: null, labels: """{"tls-injector.io/inject":"true"}"""));
    }

    /// <summary>A pod as the API server lists it: metadata with ownerReferences, a spec, a Running status.</summary>
    public static string PodJson(string name, string ns, string? ownerKind, string? ownerName, string labels = "{}", string annotations = "{}")
    {
        var owners = ownerKind is null
            ? "[]"
            : $$$"""[{"apiVersion":"{{{(ownerKind == "Job" ? "batch/v1" : "apps/v1")}}}","kind":"{{{ownerKind}}}","name":"{{{ownerName}}}","uid":"{{{Guid.NewGuid()}}}","controller":true,"blockOwnerDeletion":true}]""";
        return $$$"""
            {"metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{{{labels}}},"annotations":{{{annotations}}},"ownerReferences":{{{owners}}}},
             "spec":{"containers":[{"name":"app","image":"example/app:1","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
               "resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],
               "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","nodeName":"node-1"},
             "status":{"phase":"Running","podIP":"10.244.0.7","startTime":"2026-11-20T10:00:00Z"}}
            """;
    }

    public static string Workload(string name, string ns, string? ownerKind = null, string? ownerName = null)
    {
        var owners = ownerKind is null
            ? "[]"
            : $$$"""[{"apiVersion":"apps/v1","kind":"{{{ownerKind}}}","name":"{{{ownerName}}}","uid":"{{{Guid.NewGuid()}}}","controller":true,"blockOwnerDeletion":true}]""";
        return $$$"""
            {"metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","ownerReferences":{{{owners}}},"generation":1},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"{{{name}}}"}},
               "template":{"metadata":{"labels":{"app":"{{{name}}}"}},"spec":{"containers":[{"name":"app","image":"example/app:1"}]}} }}
            """;
    }

    /// <summary>The pod the webhook would have made of <paramref name="podJson"/> in <paramref name="ns"/> (through the real injector).</summary>
    public static string Injected(string podJson, NamespaceInfo ns)
    {
        var pod = KubernetesJson.Deserialize<V1Pod>(podJson);
        var result = new PodInjector(new InjectorOptions()).Inject(pod, ns, ClusterInfo.FromVersion("1", "28"));
        Assert.Equal(InjectionDecision.Injected, result.Decision);
        return KubernetesJson.Serialize(result.Pod);
    }

    /// <summary>Every request that could have changed something.</summary>
    public IReadOnlyList<RecordedRequest> Writes => [.. Api.Requests.Where(r => r.Method is not "GET")];

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
