using Injector.Testing.Kube;
using Injector.Webhook.Tests.Support;
using SharedPki = Injector.Testing.TestPki;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// <c>/validate</c> keeps what it learned from a Secret while the Secret is unchanged; a renewed Secret arriving
/// through the watch is analysed again, so the verdict follows the cluster, not the first admission.
/// </summary>
public sealed class ValidationHandlerTests
{
    [Fact]
    public async Task Validate_SeesARenewedSecret_ThroughTheWatch()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var pki = new SharedPki();
        api.LoadFixtures();
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"shop"}}""");
        using (var expired = pki.Issue("web.shop.svc", lifetime: TimeSpan.FromDays(-1), notBefore: pki.Now.AddDays(-60)))
        {
            api.Put(ResourceType.Secrets, SecretJson(pki, expired));
        }

        await using var host = await WebhookHost.StartAsync(api);

        // Twice: the second answer comes from the same analysis and must still deny.
        for (var i = 0; i < 2; i++)
        {
            using var response = await host.PostAsync("/validate", DeploymentReview());
            var answer = await AdmissionAnswer.ReadAsync(response);
            Assert.False(answer.Allowed);
            Assert.Contains("expired on", answer.Message, StringComparison.Ordinal);
        }

        Assert.True(await api.WaitForWatchesAsync(ResourceType.Secrets, 1, TimeSpan.FromSeconds(30)));
        using (var renewed = pki.Issue("web.shop.svc"))
        {
            api.Put(ResourceType.Secrets, SecretJson(pki, renewed));
        }

        await Eventually.WaitAsync(async () =>
        {
            using var response = await host.PostAsync("/validate", DeploymentReview());
            return (await AdmissionAnswer.ReadAsync(response)).Allowed;
        }, "the renewed Secret to be validated");
    }

    private static string SecretJson(SharedPki pki, System.Security.Cryptography.X509Certificates.X509Certificate2 leaf)
        => k8s.KubernetesJson.Serialize(SharedPki.Secret("shop", "web-cert", pki.ServerData(leaf)));

    private static string DeploymentReview() => AdmissionFixtures.OptedInDeployment("shop", "web-cert");
}
