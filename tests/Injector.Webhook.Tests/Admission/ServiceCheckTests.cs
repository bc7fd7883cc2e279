using Injector.Testing;
using Injector.Testing.Kube;
using Injector.Webhook.Tests.Support;
using k8s;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// At admission, <c>/validate</c> reads the Services of the namespace from the Service cache and warns when
/// the certificate misses the DNS names of a Service that selects the pod, and when a Service targets a protected
/// app port by number (its traffic would reach the app in plaintext).
/// </summary>
public sealed class ServiceCheckTests
{
    private const string Uncovered = "does not cover";
    private const string ByNumber = "by number";

    private static void Seed(FakeKubeApiServer api, TestPki pki)
    {
        api.LoadFixtures();
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"shop"}}""");

        // The certificate names the Service only as web.shop.svc: web, web.shop and the cluster.local name are missing.
        using var leaf = pki.IssueServer("web", "web.shop.svc");
        var data = pki.ServerData(leaf);
        data["ca.crt"] = null;
        api.Put(ResourceType.Secrets, KubernetesJson.Serialize(TestPki.Secret("shop", "web-cert", data)));
        api.Put(ResourceType.Services, """{"metadata":{"name":"web","namespace":"shop"},"spec":{"selector":{"app":"web"},"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":8080}]}}""");
        api.Put(ResourceType.Services, """{"metadata":{"name":"web-named","namespace":"shop"},"spec":{"selector":{"app":"web"},"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":"http"}]}}""");
        api.Put(ResourceType.Services, """{"metadata":{"name":"other","namespace":"shop"},"spec":{"selector":{"app":"other"},"ports":[{"port":80,"protocol":"TCP","targetPort":8080}]}}""");
    }

    private static string DeploymentReview() => AdmissionFixtures.OptedInDeployment("shop", "web-cert");

    /// <summary>
    /// For workloads: a Deployment's pods are created by the ReplicaSet controller, which swallows their
    /// warnings, so /validate tells <c>kubectl apply</c> of the Deployment itself.
    /// </summary>
    [Theory]
    [InlineData("Warn", false)]
    [InlineData("Warn", true)]
    [InlineData("Reject", false)]
    public async Task Validate_AdvisesNetworkPolicy_ForDeployment_UntilAPolicySelectsItsPods(string mode, bool withPolicy)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var pki = new TestPki();
        Seed(api, pki);
        if (withPolicy)
        {
            api.Put(ResourceType.NetworkPolicies, """{"metadata":{"name":"web-tls-only","namespace":"shop"},"spec":{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Ingress"]}}""");
        }

        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Injector:NetworkPolicyCheck"] = mode });

        using var response = await host.PostAsync("/validate", DeploymentReview());
        var answer = await AdmissionAnswer.ReadAsync(response);

        const string Advice = "no NetworkPolicy selects its pods for ingress";
        if (withPolicy)
        {
            Assert.True(answer.Allowed, answer.Message);
            Assert.DoesNotContain(answer.Warnings, w => w.Contains(Advice, StringComparison.Ordinal));
        }
        else if (mode == "Reject")
        {
            Assert.False(answer.Allowed);
            Assert.Contains(Advice, answer.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(answer.Allowed, answer.Message);
            Assert.Contains(answer.Warnings, w => w.Contains(Advice, StringComparison.Ordinal) && w.StartsWith("Deployment \"shop/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Validate_Warns_AboutMissingServiceNames_AndNumericTargetPorts()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var pki = new TestPki();
        Seed(api, pki);
        await using var host = await WebhookHost.StartAsync(api);

        using var response = await host.PostAsync("/validate", DeploymentReview());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.True(answer.Allowed, answer.Message);

        var names = answer.Warnings.Where(w => w.Contains(Uncovered, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, names.Count);
        var web = Assert.Single(names, w => w.Contains("Service \"shop/web\"", StringComparison.Ordinal));
        Assert.Contains("web.shop.svc.cluster.local", web, StringComparison.Ordinal);
        Assert.Contains("CN=web", web, StringComparison.Ordinal);
        Assert.Single(names, w => w.Contains("Service \"shop/web-named\"", StringComparison.Ordinal));
        Assert.DoesNotContain(answer.Warnings, w => w.Contains("\"shop/other\"", StringComparison.Ordinal));

        // Only the Service that names 8080 by number bypasses the sidecar; the named one follows the name to the TLS port.
        var numeric = Assert.Single(answer.Warnings, w => w.Contains(ByNumber, StringComparison.Ordinal));
        Assert.Contains("Service \"shop/web\" port 443 targets app port 8080", numeric, StringComparison.Ordinal);
        Assert.Contains("targetPort: http", numeric, StringComparison.Ordinal);

        // A workload is what kubectl apply sends with its Service: its Services are read live, once.
        Assert.Single(api.Requests, r => r.Path == "/api/v1/namespaces/shop/services");
    }

    /// <summary>
    /// One <c>kubectl apply</c> of a Service and its Deployment: the Service is stored, but the watch has not
    /// delivered it when the Deployment is admitted. The Deployment's warnings still name it.
    /// </summary>
    [Fact]
    public async Task Validate_ChecksAServiceAppliedWithTheDeployment_BeforeTheWatchDeliversIt()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var pki = new TestPki();
        Seed(api, pki);
        api.Delete(ResourceType.Services, "shop", "web");
        api.Delete(ResourceType.Services, "shop", "web-named");
        await using var host = await WebhookHost.StartAsync(api);
        Assert.True(await api.WaitForWatchesAsync(ResourceType.Services, 1, TimeSpan.FromSeconds(30)));

        api.HoldWatchEvents = true;
        api.Put(ResourceType.Services, """{"metadata":{"name":"web","namespace":"shop"},"spec":{"selector":{"app":"web"},"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":8080}]}}""");
        using var response = await host.PostAsync("/validate", DeploymentReview());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.Contains(answer.Warnings, w => w.Contains("Service \"shop/web\"", StringComparison.Ordinal) && w.Contains(Uncovered, StringComparison.Ordinal));
        Assert.Contains(answer.Warnings, w => w.Contains("Service \"shop/web\"", StringComparison.Ordinal) && w.Contains(ByNumber, StringComparison.Ordinal));
    }

    /// <summary>The same lag for a NetworkPolicy applied with the Deployment: no advice to add a policy that exists.</summary>
    [Fact]
    public async Task Validate_CountsANetworkPolicyAppliedWithTheDeployment_BeforeTheWatchDeliversIt()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var pki = new TestPki();
        Seed(api, pki);
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Injector:NetworkPolicyCheck"] = "Warn" });
        Assert.True(await api.WaitForWatchesAsync(ResourceType.NetworkPolicies, 1, TimeSpan.FromSeconds(30)));

        api.HoldWatchEvents = true;
        api.Put(ResourceType.NetworkPolicies, """{"metadata":{"name":"web-tls-only","namespace":"shop"},"spec":{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Ingress"]}}""");
        using var response = await host.PostAsync("/validate", DeploymentReview());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.True(answer.Allowed, answer.Message);
        Assert.DoesNotContain(answer.Warnings, w => w.Contains("no NetworkPolicy selects its pods", StringComparison.Ordinal));
    }

    /// <summary>A pod its ReplicaSet created was checked as its Deployment: it is answered from the caches, with no API call.</summary>
    [Fact]
    public async Task Validate_AnswersControllerPods_FromTheCaches_WithoutAnApiCall()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var pki = new TestPki();
        Seed(api, pki);
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Injector:NetworkPolicyCheck"] = "Warn" });
        var review = AdmissionFixtures.PodCreate();
        var request = review["request"]!;
        request["namespace"] = "shop";
        var metadata = request["object"]!["metadata"]!;
        metadata["namespace"] = "shop";
        metadata["annotations"]!["tls-injector.io/secret"] = "web-cert";
        metadata["ownerReferences"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-5d4f","uid":"6a1f","controller":true}]""");
        var requestsBefore = api.Requests.Count;

        using var response = await host.PostAsync("/validate", review.ToJsonString());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.True(answer.Allowed, answer.Message);
        Assert.Contains(answer.Warnings, w => w.Contains("Service \"shop/web\"", StringComparison.Ordinal) && w.Contains(Uncovered, StringComparison.Ordinal));
        Assert.DoesNotContain(api.Requests.Skip(requestsBefore), r => !r.IsWatch);
    }

    [Fact]
    public async Task Validate_SeesAServiceAddedLater_ThroughTheWatch()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var pki = new TestPki();
        Seed(api, pki);
        api.Delete(ResourceType.Services, "shop", "web");
        api.Delete(ResourceType.Services, "shop", "web-named");
        await using var host = await WebhookHost.StartAsync(api);

        using (var response = await host.PostAsync("/validate", DeploymentReview()))
        {
            var before = await AdmissionAnswer.ReadAsync(response);
            Assert.DoesNotContain(before.Warnings, w => w.Contains(Uncovered, StringComparison.Ordinal) || w.Contains(ByNumber, StringComparison.Ordinal));
        }

        Assert.True(await api.WaitForWatchesAsync(ResourceType.Services, 1, TimeSpan.FromSeconds(30)));
        api.Put(ResourceType.Services, """{"metadata":{"name":"late","namespace":"shop"},"spec":{"selector":{"app":"web"},"ports":[{"port":443,"protocol":"TCP","targetPort":8080}]}}""");
        await Eventually.WaitAsync(async () =>
        {
            using var response = await host.PostAsync("/validate", DeploymentReview());
            var answer = await AdmissionAnswer.ReadAsync(response);
            return answer.Warnings.Any(w => w.Contains("Service \"shop/late\"", StringComparison.Ordinal) && w.Contains(Uncovered, StringComparison.Ordinal))
                && answer.Warnings.Any(w => w.Contains("Service \"shop/late\"", StringComparison.Ordinal) && w.Contains(ByNumber, StringComparison.Ordinal));
        }, "the watched Service to be checked");
    }

    [Fact]
    public async Task Validate_SkipsServiceChecks_AndNeverListsServices_WhenOff()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var pki = new TestPki();
        Seed(api, pki);
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Webhook:CheckServices"] = "false" });

        using var response = await host.PostAsync("/validate", DeploymentReview());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.True(answer.Allowed, answer.Message);
        Assert.DoesNotContain(answer.Warnings, w => w.Contains(Uncovered, StringComparison.Ordinal) || w.Contains(ByNumber, StringComparison.Ordinal));
        Assert.DoesNotContain(api.Requests, r => r.Path.Contains("/services", StringComparison.Ordinal));
    }
}
