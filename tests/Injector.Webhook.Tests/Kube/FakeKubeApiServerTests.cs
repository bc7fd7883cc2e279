using System.Net;
using Injector.Testing.Kube;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Injector.Webhook.Tests.Kube;

/// <summary>The fake API server answers the real KubernetesClient the way kube-apiserver does (recorded fixtures).</summary>
public sealed class FakeKubeApiServerTests
{
    [Theory]
    [InlineData("v1.19", "19")]
    [InlineData("v1.28", "28")]
    public async Task ServesVersion_FromRecording(string version, string minor)
    {
        await using var api = await FakeKubeApiServer.StartAsync(new FakeKubeApiOptions { Version = version });
        using var client = api.CreateClient();
        var info = await client.Version.GetCodeAsync();
        Assert.Equal("1", info.Major);
        Assert.Equal(minor, info.Minor);
    }

    [Fact]
    public async Task Lists_RecordedNamespaces_InPages()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        using var client = api.CreateClient();
        var first = await client.CoreV1.ListNamespaceAsync(limit: 5);
        Assert.Equal(5, first.Items.Count);
        Assert.False(string.IsNullOrEmpty(first.Metadata.ContinueProperty));
        var rest = await client.CoreV1.ListNamespaceAsync(continueParameter: first.Metadata.ContinueProperty);
        var names = first.Items.Concat(rest.Items).Select(n => n.Metadata.Name).ToList();
        Assert.Equal(11, names.Count);
        Assert.Contains("capture-128", names);
        var fx = await client.CoreV1.ReadNamespaceAsync("fx");
        Assert.Equal("enabled", fx.Metadata.Labels["tls-injector.io/injection"]);
    }

    [Fact]
    public async Task Returns404And401_AsRealStatus()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        api.RequiredToken = "right";
        using var good = api.CreateClient("right");
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => good.CoreV1.ReadNamespacedSecretAsync("nope", "fx"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Contains("secrets \\\"nope\\\" not found", missing.Response.Content, StringComparison.Ordinal);
        using var bad = api.CreateClient("wrong");
        var denied = await Assert.ThrowsAsync<HttpOperationException>(() => bad.CoreV1.ListNamespaceAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, denied.Response.StatusCode);
        var secret = await good.CoreV1.ReadNamespacedSecretAsync("web-tls", "fx");
        Assert.True(secret.Data.ContainsKey("tls.crt"));
    }

    [Fact]
    public async Task Watch_StreamsChanges_Bookmarks_AndExpiresAfterCompaction()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        using var client = api.CreateClient();
        var list = await client.CoreV1.ListNamespaceAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(WatchEventType, string?)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, ns) in client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
            {
                events.Add((type, ns.Metadata.Name));
                if (events.Count == 4)
                {
                    break;
                }
            }
        });
        Assert.True(await api.WaitForWatchesAsync(ResourceType.Namespaces, 1, TimeSpan.FromSeconds(20)));
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"new-ns","labels":{"a":"b"}}}""");
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"new-ns","labels":{"a":"c"}}}""");
        api.SendBookmarks();
        Assert.True(api.Delete(ResourceType.Namespaces, null, "new-ns"));
        await watching.WaitAsync(cts.Token);
        Assert.Equal(
            [(WatchEventType.Added, "new-ns"), (WatchEventType.Modified, "new-ns"), (WatchEventType.Bookmark, null), (WatchEventType.Deleted, "new-ns")],
            events);

        api.Compact();
        var errors = new List<Exception>();
        await foreach (var _ in client.CoreV1.WatchListNamespaceAsync(resourceVersion: list.Metadata.ResourceVersion, onError: errors.Add, cancellationToken: cts.Token))
        {
            Assert.Fail("no event expected after compaction");
        }

        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);
    }

    [Fact]
    public async Task CreateConflictsAndPatchesApply()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = api.CreateClient();
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "s", NamespaceProperty = "ns" }, Data = new Dictionary<string, byte[]> { ["k"] = [1, 2] } };
        await client.CoreV1.CreateNamespacedSecretAsync(secret, "ns");
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedSecretAsync(secret, "ns"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);

        api.Put(ResourceType.MutatingWebhookConfigurations, """{"metadata":{"name":"m"},"webhooks":[{"name":"a.x.io","clientConfig":{}}]}""");
        await client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(
            new V1Patch("""[{"op":"add","path":"/webhooks/0/clientConfig/caBundle","value":"AQI="}]""", V1Patch.PatchType.JsonPatch), "m");
        var patched = await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync("m");
        Assert.Equal([1, 2], patched.Webhooks[0].ClientConfig.CaBundle);
        Assert.Contains(api.Requests, r => r.Method == "PATCH" && r.ContentType!.StartsWith("application/json-patch+json", StringComparison.Ordinal));
    }
}
