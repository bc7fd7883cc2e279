using Injector.Testing.Kube;
using Injector.Webhook.Tests.Support;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// <c>Webhook:LookupFailurePolicy</c>: when a Secret or Namespace cannot be looked up (the API is down and the cache
/// has no answer), Deny refuses the opted-in object with a message and Allow admits it with a warning.
/// </summary>
public sealed class LookupFailurePolicyTests
{
    private static string ReviewNaming(string secret, string ns = "capture-128")
    {
        var review = AdmissionFixtures.Review("v1.28", "15-v1-Deployment-CREATE.json");
        var template = review["request"]!["object"]!["spec"]!["template"]!["metadata"]!;
        template["labels"]!["tls-injector.io/inject"] = "true";
        template["annotations"]!["tls-injector.io/secret"] = secret;
        review["request"]!["namespace"] = ns;
        return review.ToJsonString();
    }

    [Theory]
    [InlineData("Deny", false)]
    [InlineData("Allow", true)]
    public async Task Validate_FollowsPolicy_WhenASecretCannotBeRead(string policy, bool allowed)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Webhook:LookupFailurePolicy"] = policy });
        api.FailureStatusCode = 503;
        using var response = await host.PostAsync("/validate", ReviewNaming("not-cached"));
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.Equal(allowed, answer.Allowed);
        var text = allowed ? string.Join("\n", answer.Warnings) : answer.Message!;
        Assert.Contains("not-cached", text, StringComparison.Ordinal);
        Assert.Contains($"LookupFailurePolicy={policy}", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Deny", false)]
    [InlineData("Allow", true)]
    public async Task Mutate_FollowsPolicy_WhenTheNamespaceCannotBeRead(string policy, bool allowed)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Webhook:LookupFailurePolicy"] = policy });
        api.FailureStatusCode = 503;
        var review = AdmissionFixtures.PodCreate();
        review["request"]!["namespace"] = "created-during-outage";
        using var response = await host.PostAsync("/mutate", review.ToJsonString());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.Equal(allowed, answer.Allowed);
        if (allowed)
        {
            // The pod's own label still opts it in; only namespace defaults are missing, and the user is told.
            Assert.NotNull(answer.Patch);
            Assert.Contains(answer.Warnings, w => w.Contains("created-during-outage", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains("created-during-outage", answer.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Validate_StillDeniesCertainErrors_UnderAllow()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Webhook:LookupFailurePolicy"] = "Allow" });
        api.FailureStatusCode = 503;
        var json = ReviewNaming("not-cached").Replace("\"tls-injector.io/secret\"", "\"tls-injector.io/mlts\":\"required\",\"tls-injector.io/secret\"", StringComparison.Ordinal);
        using var response = await host.PostAsync("/validate", json);
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.False(answer.Allowed);
        Assert.Contains("tls-injector.io/mlts", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ServesFromCache_DuringAnOutage()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api);
        api.FailureStatusCode = 503;

        // web-tls in fx is the recorded Secret: cached from the list, so no API call is needed.
        using var response = await host.PostAsync("/validate", ReviewNaming("web-tls", "fx"));
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.DoesNotContain("could not be read", answer.Message ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(answer.Warnings, w => w.Contains("LookupFailurePolicy", StringComparison.Ordinal));
    }
}
