using System.Text.Json.Nodes;
using Injector.Testing;
using Injector.Testing.Kube;
using Injector.Webhook.Tests.Support;
using k8s;

namespace Injector.Webhook.Tests.Shipped;

/// <summary>
/// The API caches of the webhook as a process, in the JIT build and in the NativeAOT binary the image ships: every
/// watch event type reaches every cached kind, and a change made after start changes the next admission. The
/// resync is an hour away, so only the watch can make these pass (a NativeAOT-only decoding failure once left the
/// caches stale for ten minutes while every in-process test was green).
/// </summary>
public sealed class WatchInShippedBuildTests
{
    /// <summary>A watch event on loopback arrives in milliseconds; a second is the bound users were promised.</summary>
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);

    private static readonly Dictionary<string, string> AllCaches = new()
    {
        ["Injector:NetworkPolicyCheck"] = "Warn",
        ["Webhook:CheckServices"] = "true",
        ["Webhook:CacheSecrets"] = "true",
    };

    [Fact]
    public Task Caches_ApplyEveryWatchEventType_ForEveryCachedKind_Jit() => CachesApplyEveryWatchEventTypeAsync(WebhookBuild.Jit);

    [NativeAotFact]
    public Task Caches_ApplyEveryWatchEventType_ForEveryCachedKind_NativeAot() => CachesApplyEveryWatchEventTypeAsync(WebhookBuild.NativeAot);

    [Fact]
    public Task Namespace_OptedInAfterStart_InjectsTheNextPod_Jit() => NamespaceOptedInAfterStartAsync(WebhookBuild.Jit);

    [NativeAotFact]
    public Task Namespace_OptedInAfterStart_InjectsTheNextPod_NativeAot() => NamespaceOptedInAfterStartAsync(WebhookBuild.NativeAot);

    [Fact]
    public Task Secret_DeletedAfterStart_IsMissingAtTheNextValidation_Jit() => SecretDeletedAfterStartAsync(WebhookBuild.Jit);

    [NativeAotFact]
    public Task Secret_DeletedAfterStart_IsMissingAtTheNextValidation_NativeAot() => SecretDeletedAfterStartAsync(WebhookBuild.NativeAot);

    private static async Task CachesApplyEveryWatchEventTypeAsync(WebhookBuild build)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"shop"}}""");
        await using var webhook = await WebhookProcess.StartAsync(build, api, AllCaches);

        var kinds = new (ResourceType Type, string Resource, string Json)[]
        {
            (ResourceType.Namespaces, "namespaces", """{"metadata":{"name":"watched","labels":{"round":"1"}}}"""),
            (ResourceType.Secrets, "secrets", """{"metadata":{"name":"watched","namespace":"shop","labels":{"round":"1"}},"type":"Opaque","data":{"ca.crt":"AA=="}}"""),
            (ResourceType.Services, "services", """{"metadata":{"name":"watched","namespace":"shop","labels":{"round":"1"}},"spec":{"selector":{"app":"web"},"ports":[{"port":443,"targetPort":8443}]}}"""),
            (ResourceType.NetworkPolicies, "networkpolicies", """{"metadata":{"name":"watched","namespace":"shop","labels":{"round":"1"}},"spec":{"podSelector":{},"policyTypes":["Ingress"]}}"""),
        };
        foreach (var (type, resource, json) in kinds)
        {
            Assert.True(await api.WaitForWatchesAsync(type, 1, TimeSpan.FromSeconds(20)), $"{build}: no watch of {resource}\n{webhook.Output}");
            var objects = $"tls_injector_webhook_cache_objects{{resource=\"{resource}\"}}";
            var before = await webhook.MetricAsync(objects);

            var obj = JsonNode.Parse(json)!.AsObject();
            await EventAppliedAsync(webhook, build, resource, "ADDED", () => api.Put(type, obj));
            Assert.Equal(before + 1, await webhook.MetricAsync(objects));

            obj["metadata"]!["labels"]!["round"] = "2";
            await EventAppliedAsync(webhook, build, resource, "MODIFIED", () => api.Put(type, obj));

            await EventAppliedAsync(webhook, build, resource, "BOOKMARK", api.SendBookmarks);

            await EventAppliedAsync(webhook, build, resource, "DELETED", () => api.Delete(type, obj["metadata"]!["namespace"]?.GetValue<string>(), "watched"));
            Assert.Equal(before, await webhook.MetricAsync(objects));
            Assert.Equal(0, await webhook.MetricAsync($"tls_injector_webhook_cache_watch_errors_total{{resource=\"{resource}\",reason=\"unreadable\"}}"));
        }

        Assert.DoesNotContain("unreadable event", webhook.Output, StringComparison.Ordinal);
    }

    private static async Task NamespaceOptedInAfterStartAsync(WebhookBuild build)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"late"}}""");
        await using var webhook = await WebhookProcess.StartAsync(build, api);
        Assert.True(await api.WaitForWatchesAsync(ResourceType.Namespaces, 1, TimeSpan.FromSeconds(20)));

        var review = PodReview("late", podOptIn: false);
        Assert.Null(await PatchAsync(webhook, review));

        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"late","labels":{"tls-injector.io/injection":"enabled"}}}""");
        await Eventually.WaitAsync(async () => await PatchAsync(webhook, review) is not null, $"{build}: a pod injected after its namespace opted in\n{webhook.Output}", WithinASecond);
    }

    private static async Task SecretDeletedAfterStartAsync(WebhookBuild build)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"shop"}}""");
        using (var pki = new TestPki())
        using (var leaf = pki.IssueServer("web", "web.shop.svc"))
        {
            var data = pki.ServerData(leaf);
            data["ca.crt"] = null;
            api.Put(ResourceType.Secrets, KubernetesJson.Serialize(TestPki.Secret("shop", "web-tls", data)));
        }

        await using var webhook = await WebhookProcess.StartAsync(build, api);
        Assert.True(await api.WaitForWatchesAsync(ResourceType.Secrets, 1, TimeSpan.FromSeconds(20)));
        var review = PodReview("shop", podOptIn: true);
        Assert.True(await AllowedAsync(webhook, review), $"{build}: the pod with its Secret in place is refused\n{webhook.Output}");

        api.Delete(ResourceType.Secrets, "shop", "web-tls");
        await Eventually.WaitAsync(async () => !await AllowedAsync(webhook, review), $"{build}: a pod refused once its Secret was deleted\n{webhook.Output}", WithinASecond);
    }

    /// <summary>Does <paramref name="change"/> and waits until the webhook counts one more <paramref name="type"/> event of <paramref name="resource"/>.</summary>
    private static async Task EventAppliedAsync(WebhookProcess webhook, WebhookBuild build, string resource, string type, Action change)
    {
        var series = $"tls_injector_webhook_cache_watch_events_total{{resource=\"{resource}\",type=\"{type}\"}}";
        var before = await webhook.MetricAsync(series);
        change();
        await Eventually.WaitAsync(async () => await webhook.MetricAsync(series) > before, $"{build}: a {type} event of {resource} applied\n{webhook.Output}", WithinASecond);
    }

    /// <summary>The recorded v1.28 pod CREATE, moved to <paramref name="namespaceName"/>, with or without the pod's own opt-in label.</summary>
    private static string PodReview(string namespaceName, bool podOptIn)
    {
        var review = AdmissionFixtures.PodCreate();
        var request = review["request"]!;
        request["namespace"] = namespaceName;
        var metadata = request["object"]!["metadata"]!.AsObject();
        metadata["namespace"] = namespaceName;
        if (!podOptIn)
        {
            metadata["labels"]!.AsObject().Remove("tls-injector.io/inject");
        }

        return review.ToJsonString();
    }

    private static async Task<string?> PatchAsync(WebhookProcess webhook, string review)
    {
        using var response = await webhook.PostAsync("/mutate", review);
        response.EnsureSuccessStatusCode();
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!;
        return answer["patch"]?.GetValue<string>();
    }

    private static async Task<bool> AllowedAsync(WebhookProcess webhook, string review)
    {
        using var response = await webhook.PostAsync("/validate", review);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!["allowed"]!.GetValue<bool>();
    }
}
