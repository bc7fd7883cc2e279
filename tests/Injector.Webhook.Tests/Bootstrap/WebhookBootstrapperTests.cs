using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Injector.Testing;
using Injector.Testing.Kube;
using Injector.Tls.Certificates;
using Injector.Webhook.Bootstrap;
using Injector.Webhook.Tests.Support;

namespace Injector.Webhook.Tests.Bootstrap;

/// <summary>The self-signed overlay's start-up against the fake API server: CA Secret, serving leaf, caBundle patches.</summary>
public sealed class WebhookBootstrapperTests
{
    private static Dictionary<string, string?> Settings() => new()
    {
        ["Webhook:Bootstrap:Enabled"] = "true",
        ["POD_NAMESPACE"] = "tls-injector",
        ["Webhook:Bootstrap:RetryInterval"] = "00:00:00.100",
        ["Webhook:CertificateDirectory"] = "/nonexistent",
    };

    private static void AddWebhookConfigurations(FakeKubeApiServer api)
    {
        api.Put(ResourceType.MutatingWebhookConfigurations, """
            {"metadata":{"name":"tls-injector"},"webhooks":[
              {"name":"namespace.inject.tls-injector.io","clientConfig":{"service":{"name":"tls-injector-webhook","namespace":"tls-injector","path":"/mutate"}},"sideEffects":"None","admissionReviewVersions":["v1","v1beta1"]},
              {"name":"pod.inject.tls-injector.io","clientConfig":{"service":{"name":"tls-injector-webhook","namespace":"tls-injector","path":"/mutate"}},"sideEffects":"None","admissionReviewVersions":["v1","v1beta1"]}]}
            """);
        api.Put(ResourceType.ValidatingWebhookConfigurations, """
            {"metadata":{"name":"tls-injector"},"webhooks":[
              {"name":"validate.tls-injector.io","clientConfig":{"service":{"name":"tls-injector-webhook","namespace":"tls-injector","path":"/validate"}},"sideEffects":"None","admissionReviewVersions":["v1","v1beta1"]}]}
            """);
    }

    private static List<string> CaBundles(FakeKubeApiServer api)
        => new[] { ResourceType.MutatingWebhookConfigurations, ResourceType.ValidatingWebhookConfigurations }
            .SelectMany(t => api.Get(t, null, "tls-injector")!["webhooks"]!.AsArray())
            .Select(w => w!["clientConfig"]!["caBundle"]?.GetValue<string>() ?? "(none)")
            .ToList();

    [Fact]
    public async Task CreatesCa_IssuesLeaf_AndPatchesEveryWebhook()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        AddWebhookConfigurations(api);
        await using var host = await WebhookHost.StartAsync(api, Settings(), waitReady: false);

        var secret = await WaitForAsync(() => api.Get(ResourceType.Secrets, "tls-injector", "tls-injector-webhook-ca"));
        var caPem = Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]!["ca.crt"]!.GetValue<string>()));
        var authority = PemCertificateLoader.ParseCertificates(caPem, "ca.crt")[0];
        host.TrustedRoot = authority;
        await host.WaitReadyAsync();

        var bundles = CaBundles(api);
        Assert.Equal(3, bundles.Count);
        Assert.All(bundles, b => Assert.Equal(caPem, Encoding.UTF8.GetString(Convert.FromBase64String(b))));

        var (leaf, _) = await Handshake.ConnectAsync(host.BaseAddress);
        Assert.True(TestPki.Chains(leaf, authority));
        var sans = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToList();
        Assert.Contains("tls-injector-webhook.tls-injector.svc", sans);
        Assert.Contains("tls-injector-webhook.tls-injector.svc.cluster.local", sans);
        Assert.Equal(2, api.Requests.Count(r => r.Method == "PATCH"));
    }

    [Fact]
    public async Task ReusesTheExistingCa_AndSkipsPatchesAlreadyDone()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        AddWebhookConfigurations(api);
        string firstBundle;
        await using (var first = await WebhookHost.StartAsync(api, Settings(), waitReady: false))
        {
            await WaitForAsync(() => CaBundles(api).All(b => b != "(none)") ? "patched" : null);
            firstBundle = CaBundles(api)[0];
        }

        var patchesBefore = api.Requests.Count(r => r.Method == "PATCH");
        await using var second = await WebhookHost.StartAsync(api, Settings(), waitReady: false);
        var authority = PemCertificateLoader.ParseCertificates(Encoding.UTF8.GetString(Convert.FromBase64String(firstBundle)), "bundle")[0];
        second.TrustedRoot = authority;
        await second.WaitReadyAsync();
        Assert.All(CaBundles(api), b => Assert.Equal(firstBundle, b));
        Assert.Equal(patchesBefore, api.Requests.Count(r => r.Method == "PATCH"));
        Assert.Single(api.Requests, r => r.Method == "POST" && r.Path.EndsWith("/secrets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LosingTheCreateRace_UsesTheWinnersCa()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        AddWebhookConfigurations(api);
        using var winner = CertificateGenerator.CreateCertificateAuthority("winner CA", TimeSpan.FromDays(30));
        var winnerPem = CertificateGenerator.ToCertificatePem(winner);

        // The other replica creates the Secret between our GET (404) and our POST (409).
        api.BeforeRequest = request =>
        {
            if (request.Method == "POST" && request.Path.EndsWith("/secrets", StringComparison.Ordinal) && api.Get(ResourceType.Secrets, "tls-injector", "tls-injector-webhook-ca") is null)
            {
                api.Put(ResourceType.Secrets, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = "tls-injector-webhook-ca", ["namespace"] = "tls-injector" },
                    ["type"] = "kubernetes.io/tls",
                    ["data"] = new JsonObject
                    {
                        ["tls.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(winnerPem)),
                        ["tls.key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(CertificateGenerator.ToPrivateKeyPem(winner))),
                    },
                });
            }
        };
        await using var host = await WebhookHost.StartAsync(api, Settings(), waitReady: false);
        host.TrustedRoot = winner;
        await host.WaitReadyAsync();
        Assert.Contains(api.Requests, r => r.Method == "POST" && r.StatusCode == (int)HttpStatusCode.Conflict);
        Assert.All(CaBundles(api), b => Assert.Equal(winnerPem, Encoding.UTF8.GetString(Convert.FromBase64String(b))));
    }

    [Fact]
    public async Task StaysUnready_UntilTheWebhookConfigurationsExist()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api, Settings(), waitReady: false);
        var secret = await WaitForAsync(() => api.Get(ResourceType.Secrets, "tls-injector", "tls-injector-webhook-ca"));
        host.TrustedRoot = PemCertificateLoader.ParseCertificates(Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]!["tls.crt"]!.GetValue<string>())), "ca")[0];

        // The leaf is served already (the CA exists), but with no configuration to patch it is not ready.
        await WaitForAsync(() => api.Requests.Count(r => r.Path.Contains("webhookconfigurations", StringComparison.Ordinal)) >= 2 ? "tried" : null);
        using (var notReady = await host.Client.GetAsync(new Uri(host.BaseAddress, "/readyz")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Contains("bootstrap", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        AddWebhookConfigurations(api);
        await host.WaitReadyAsync();
        Assert.DoesNotContain("(none)", CaBundles(api));
    }

    [Fact]
    public void CaBundlePatch_GuardsEachWebhookByName_AndIsNullWhenDone()
    {
        var bundle = Encoding.UTF8.GetBytes("PEM");
        var patch = JsonNode.Parse(WebhookBootstrapper.CaBundlePatch([("a", null), ("b", [1])], bundle)!)!.AsArray();
        Assert.Equal(4, patch.Count);
        Assert.Equal("test", patch[0]!["op"]!.GetValue<string>());
        Assert.Equal("/webhooks/1/name", patch[2]!["path"]!.GetValue<string>());
        Assert.Equal("b", patch[2]!["value"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(bundle), patch[3]!["value"]!.GetValue<string>());
        Assert.Null(WebhookBootstrapper.CaBundlePatch([("a", bundle), ("b", bundle)], bundle));
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(25);
        }
    }
}
