using Injector.Testing.Kube;
using Injector.Webhook.Tests.Support;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// <c>/mutate</c> tells (Warn) or refuses (Reject) an injected pod that no ingress NetworkPolicy selects,
/// with policies served by the fake API in the real list and watch format; Off never touches NetworkPolicies.
/// </summary>
public sealed class NetworkPolicyCheckTests
{
    private const string Advice = "no NetworkPolicy selects this pod for ingress";

    /// <summary>A policy in the recorded pod's namespace (capture-128) selecting pods labelled <c>app=<paramref name="app"/></c>.</summary>
    private static string Policy(string name, string app, string policyTypes = "[\"Ingress\"]") => $$$"""
        {"metadata":{"name":"{{{name}}}","namespace":"capture-128"},
         "spec":{"podSelector":{"matchLabels":{"app":"{{{app}}}"}},"policyTypes":{{{policyTypes}}},
                 "ingress":[{"ports":[{"port":8443,"protocol":"TCP"}]}]}}
        """;

    /// <summary>The recorded pod CREATE; with <paramref name="ownedByReplicaSet"/>, as its ReplicaSet would create it.</summary>
    private static async Task<AdmissionAnswer> MutateAsync(WebhookHost host, bool ownedByReplicaSet = false)
    {
        var review = AdmissionFixtures.PodCreate();
        if (ownedByReplicaSet)
        {
            review["request"]!["object"]!["metadata"]!["ownerReferences"] = System.Text.Json.Nodes.JsonNode.Parse(
                """[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-5d4f","uid":"6a1f","controller":true}]""");
        }

        using var response = await host.PostAsync("/mutate", review.ToJsonString());
        return await AdmissionAnswer.ReadAsync(response);
    }

    [Fact]
    public async Task Warns_WithoutASelectingPolicy_AndStopsOnceAWatchedPolicySelectsThePod()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();

        // Listed at start, but neither selects the pod: one is for other pods, one restricts egress only.
        api.Put(ResourceType.NetworkPolicies, Policy("other-app", "other"));
        api.Put(ResourceType.NetworkPolicies, Policy("egress-only", "web", "[\"Egress\"]"));
        await using var host = await WebhookHost.StartAsync(api);

        var before = await MutateAsync(host, ownedByReplicaSet: true);
        Assert.True(before.Allowed);
        Assert.NotNull(before.Patch);
        var warning = Assert.Single(before.Warnings, w => w.Contains(Advice, StringComparison.Ordinal));
        Assert.Contains("capture-128/web", warning, StringComparison.Ordinal);
        Assert.Contains("8080", warning, StringComparison.Ordinal);
        Assert.Contains("tls-injector netpol", warning, StringComparison.Ordinal);
        Assert.Contains(api.Requests, r => r.Path == "/apis/networking.k8s.io/v1/networkpolicies" && !r.IsWatch);

        // Added while the webhook runs: it arrives through the watch, not through a new list.
        Assert.True(await api.WaitForWatchesAsync(ResourceType.NetworkPolicies, 1, TimeSpan.FromSeconds(30)));
        var listsBefore = api.Requests.Count(r => r.Path == "/apis/networking.k8s.io/v1/networkpolicies" && !r.IsWatch);
        api.Put(ResourceType.NetworkPolicies, Policy("web-tls-only", "web"));
        await Eventually.WaitAsync(async () => !(await MutateAsync(host, ownedByReplicaSet: true)).Warnings.Any(w => w.Contains(Advice, StringComparison.Ordinal)), "the watched policy to silence the warning");
        Assert.Equal(listsBefore, api.Requests.Count(r => r.Path == "/apis/networking.k8s.io/v1/networkpolicies" && !r.IsWatch));
        Assert.DoesNotContain(api.Requests, r => r.Path.StartsWith("/apis/networking.k8s.io/v1/namespaces/", StringComparison.Ordinal));
    }

    /// <summary>A pod applied by hand with its policy, admitted before the watch delivers the policy: the policy still counts.</summary>
    [Fact]
    public async Task DoesNotWarn_APodAppliedWithItsPolicy_BeforeTheWatchDeliversIt()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api);
        Assert.True(await api.WaitForWatchesAsync(ResourceType.NetworkPolicies, 1, TimeSpan.FromSeconds(30)));

        api.HoldWatchEvents = true;
        api.Put(ResourceType.NetworkPolicies, Policy("web-tls-only", "web"));
        var answer = await MutateAsync(host);
        Assert.NotNull(answer.Patch);
        Assert.DoesNotContain(answer.Warnings, w => w.Contains(Advice, StringComparison.Ordinal));
        Assert.Contains(api.Requests, r => r.Path == "/apis/networking.k8s.io/v1/namespaces/capture-128/networkpolicies");
    }

    [Fact]
    public async Task Rejects_InRejectMode_UntilAPolicySelectsThePod()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Injector:NetworkPolicyCheck"] = "Reject" });

        var denied = await MutateAsync(host);
        Assert.False(denied.Allowed);
        Assert.Null(denied.Patch);
        Assert.Contains(Advice, denied.Message, StringComparison.Ordinal);
        Assert.Contains("NetworkPolicyCheck=Reject", denied.Message, StringComparison.Ordinal);

        // Before refusing, the webhook asked the API itself (the policy may be in the same apply as the pod).
        Assert.Contains(api.Requests, r => r.Path == "/apis/networking.k8s.io/v1/namespaces/capture-128/networkpolicies");

        api.Put(ResourceType.NetworkPolicies, Policy("web-tls-only", "web"));
        var allowed = await MutateAsync(host);
        Assert.True(allowed.Allowed);
        Assert.NotNull(allowed.Patch);
        Assert.DoesNotContain(allowed.Warnings, w => w.Contains(Advice, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NeverListsNetworkPolicies_WhenOff()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Injector:NetworkPolicyCheck"] = "Off" });

        var answer = await MutateAsync(host);
        Assert.True(answer.Allowed);
        Assert.NotNull(answer.Patch);
        Assert.DoesNotContain(answer.Warnings, w => w.Contains(Advice, StringComparison.Ordinal));
        Assert.DoesNotContain(api.Requests, r => r.Path.Contains("networkpolicies", StringComparison.Ordinal));
        using var cacheObjects = host.Collect<int>("tls_injector_webhook_cache_objects");
        cacheObjects.RecordObservableInstruments();
        Assert.Contains(cacheObjects.GetMeasurementSnapshot(), m => Equals(m.Tags["resource"], "namespaces"));
        Assert.DoesNotContain(cacheObjects.GetMeasurementSnapshot(), m => Equals(m.Tags["resource"], "networkpolicies"));
    }
}
