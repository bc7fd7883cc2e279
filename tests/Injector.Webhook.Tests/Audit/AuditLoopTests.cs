using System.Text.Json.Nodes;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Testing.Kube;
using Injector.Webhook.Audit;
using Injector.Webhook.Tests.Support;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Injector.Webhook.Tests.Audit;

/// <summary>
/// The in-cluster audit: two webhook replicas against one fake API elect one leader with a real Lease;
/// the leader puts one Warning Event on each escaped or stale pod (not again within the interval), reports the
/// counts in <c>tls_injector_webhook_audit_escaped_pods</c>, and never deletes or changes a pod.
/// </summary>
public sealed class AuditLoopTests
{
    private const string Apps = "apps";

    private static Dictionary<string, string?> AuditSettings() => new()
    {
        ["POD_NAMESPACE"] = "tls-injector",
        ["Webhook:Audit:Enabled"] = "true",

        // One audit per leader in this test; the second is triggered by hand to prove the deduplication.
        ["Webhook:Audit:Interval"] = "01:00:00",
        ["Webhook:Audit:LeaseDuration"] = "00:00:10",
        ["Webhook:Audit:RenewDeadline"] = "00:00:08",
        ["Webhook:Audit:RetryPeriod"] = "00:00:01",
    };

    private static V1Pod AppPod(string name, string? minTls = null)
    {
        var annotations = new Dictionary<string, string> { ["tls-injector.io/secret"] = "web-tls" };
        if (minTls is not null)
        {
            annotations["tls-injector.io/min-tls-version"] = minTls;
        }

        return new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = Apps,
                Labels = new Dictionary<string, string> { ["app"] = "web", ["tls-injector.io/inject"] = "true" },
                Annotations = annotations,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web-7d9c", Uid = Guid.NewGuid().ToString(), Controller = true }],
            },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "app", Image = "example/app:1", Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }] }],
            },
            Status = new V1PodStatus { Phase = "Running" },
        };
    }

    /// <summary>The pod as the webhook would have admitted it (Core's injector, default options).</summary>
    private static V1Pod Injected(V1Pod pod)
    {
        var result = new PodInjector(new InjectorOptions()).Inject(pod, NamespaceInfo.Empty(Apps), ClusterInfo.Unknown);
        Assert.Equal(InjectionDecision.Injected, result.Decision);
        return result.Pod;
    }

    private static void Put(FakeKubeApiServer api, V1Pod pod)
        => api.Put(ResourceType.Pods, JsonNode.Parse(KubernetesJson.Serialize(pod))!.AsObject());

    private static void Seed(FakeKubeApiServer api)
    {
        api.LoadFixtures();
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"apps"}}""");
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"tls-injector"}}""");

        // Admitted while the webhook was down: opted in, no tls-proxy.
        Put(api, AppPod("escaped-1"));

        // Injected, then its annotations changed: the sidecar runs old settings.
        var stale = Injected(AppPod("stale-1"));
        stale.Metadata.Annotations["tls-injector.io/min-tls-version"] = "1.3";
        Put(api, stale);

        // Injected and unchanged, and a pod that never opted in: neither is a finding.
        Put(api, Injected(AppPod("fine-1")));
        var plain = AppPod("plain-1");
        plain.Metadata.Labels.Remove("tls-injector.io/inject");
        Put(api, plain);
    }

    private static async Task<IReadOnlyList<Corev1Event>> EventsAsync(FakeKubeApiServer api, string pod)
    {
        using var client = api.CreateClient();
        var list = await client.CoreV1.ListNamespacedEventAsync(Apps);
        return [.. list.Items.Where(e => e.InvolvedObject?.Name == pod)];
    }

    /// <summary>
    /// One host's gauge by its <c>reason</c> label ("" when it has none), read through the host's own meter factory:
    /// two replicas run in this process, and /metrics would show both.
    /// </summary>
    private static Dictionary<string, int> Observed(WebhookHost host, string gauge)
    {
        using var collector = host.Collect<int>(gauge);
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot().ToDictionary(m => m.Tags.TryGetValue("reason", out var reason) ? (string)reason! : string.Empty, m => m.Value);
    }

    [Fact]
    public async Task OneOfTwoReplicasLeads_AndReportsEachEscapedOrStalePodOnce()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        Seed(api);
        var first = await WebhookHost.StartAsync(api, AuditSettings());
        var second = await WebhookHost.StartAsync(api, AuditSettings());
        try
        {
            var loops = new[] { first, second }.Select(h => h.App.Services.GetRequiredService<AuditLoop>()).ToArray();
            await Eventually.WaitAsync(() => loops.Any(l => l.Completed > 0), "the first audit", TimeSpan.FromSeconds(60));
            var leader = Assert.Single(loops, l => l.IsLeader);
            var follower = Assert.Single(loops, l => !l.IsLeader);
            Assert.Equal(0, follower.Completed);
            Assert.NotEqual(leader.Identity, follower.Identity);
            var lease = api.Get(ResourceType.Leases, "tls-injector", "tls-injector-audit");
            Assert.NotNull(lease);
            Assert.Equal(leader.Identity, lease["spec"]!["holderIdentity"]!.GetValue<string>());

            var escaped = Assert.Single(await EventsAsync(api, "escaped-1"));
            Assert.Equal("TlsSidecarMissing", escaped.Reason);
            Assert.Equal("Warning", escaped.Type);
            Assert.Equal("Pod", escaped.InvolvedObject.Kind);
            Assert.Equal(api.Get(ResourceType.Pods, Apps, "escaped-1")!["metadata"]!["uid"]!.GetValue<string>(), escaped.InvolvedObject.Uid);
            Assert.Contains("escaped: no tls-proxy, although", escaped.Message, StringComparison.Ordinal);
            Assert.Equal("tls-injector", escaped.Source.Component);
            var stale = Assert.Single(await EventsAsync(api, "stale-1"));
            Assert.Equal("TlsSidecarStale", stale.Reason);
            Assert.Empty(await EventsAsync(api, "fine-1"));
            Assert.Empty(await EventsAsync(api, "plain-1"));

            var hostOf = leader == loops[0] ? first : second;
            var followerHost = leader == loops[0] ? second : first;
            Assert.Equal(new Dictionary<string, int> { ["missing"] = 1, ["stale"] = 1, ["invalid"] = 0 }, Observed(hostOf, "tls_injector_webhook_audit_escaped_pods"));
            Assert.Equal(new Dictionary<string, int> { [""] = 1 }, Observed(hostOf, "tls_injector_webhook_audit_leader"));
            Assert.Equal(new Dictionary<string, int> { ["missing"] = 0, ["stale"] = 0, ["invalid"] = 0 }, Observed(followerHost, "tls_injector_webhook_audit_escaped_pods"));
            Assert.Equal(new Dictionary<string, int> { [""] = 0 }, Observed(followerHost, "tls_injector_webhook_audit_leader"));

            // A second audit within the interval finds the same pods and writes no second Event.
            await leader.RunOnceAsync(leader.Identity!, CancellationToken.None);
            Assert.Equal(2, leader.Completed);
            Assert.Equal(1, leader.Last[Injector.Core.Audit.AuditProblem.Escaped]);
            Assert.Single(await EventsAsync(api, "escaped-1"));
            Assert.Single(await EventsAsync(api, "stale-1"));

            // Read and report only: every pod is still there and none was written to.
            foreach (var name in new[] { "escaped-1", "stale-1", "fine-1", "plain-1" })
            {
                Assert.NotNull(api.Get(ResourceType.Pods, Apps, name));
            }

            // A dry run stores nothing: the native-sidecar probe's create at start is not a write.
            Assert.DoesNotContain(api.Requests, r => r.Path.Contains("/pods", StringComparison.Ordinal) && r.Method != "GET" && !r.Query.Contains("dryRun=All", StringComparison.Ordinal));
            Assert.All(api.Requests.Where(r => r.Path.Contains("/events", StringComparison.Ordinal) && r.Method != "GET"), r => Assert.Equal("POST", r.Method));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task FollowerTakesOver_WhenTheLeaderStops()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        Seed(api);
        var first = await WebhookHost.StartAsync(api, AuditSettings());
        var firstLoop = first.App.Services.GetRequiredService<AuditLoop>();
        await Eventually.WaitAsync(() => firstLoop.Completed > 0, "the first replica's audit", TimeSpan.FromSeconds(60));
        await using var second = await WebhookHost.StartAsync(api, AuditSettings());
        var secondLoop = second.App.Services.GetRequiredService<AuditLoop>();
        await first.DisposeAsync();

        // The stopped leader does not release the Lease; the follower takes it once it expires (LeaseDuration 10 s).
        await Eventually.WaitAsync(() => secondLoop.Completed > 0, "the follower's audit after the leader stopped", TimeSpan.FromSeconds(90));
        Assert.True(secondLoop.IsLeader);
        Assert.Equal(secondLoop.Identity, api.Get(ResourceType.Leases, "tls-injector", "tls-injector-audit")!["spec"]!["holderIdentity"]!.GetValue<string>());
    }

    [Fact]
    public async Task DoesNothing_WhenOff()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        Seed(api);
        await using var host = await WebhookHost.StartAsync(api);
        var loop = host.App.Services.GetRequiredService<AuditLoop>();
        Assert.False(loop.IsLeader);
        Assert.DoesNotContain(api.Requests, r => r.Path.Contains("leases", StringComparison.Ordinal) || r.Path.Contains("/pods", StringComparison.Ordinal));
        Assert.Empty(Observed(host, "tls_injector_webhook_audit_escaped_pods"));
    }
}
