using System.Text;
using Injector.Core.Injection;
using Injector.Testing.Kube;
using Injector.Webhook.Admission;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using Injector.Webhook.Tests.Support;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// <see cref="MutationMemo"/>: an answer is reused only for the same bytes, namespace and cluster state; through a
/// real webhook, a repeated pod is a hit with the same patch, and a namespace change seen by the watch ends the reuse.
/// </summary>
public sealed class MutationMemoTests
{
    private static readonly byte[] Pod = Encoding.UTF8.GetBytes("""{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app"}]}}""");
    private static readonly MutationMemo.Stamp Now = new(7, 3, new ClusterInfo(new Version(1, 30)));
    private static readonly AdmissionDecision Injected = AdmissionDecision.Allow(AdmissionResults.Injected, "remembered");

    private static MutationMemo Memo(int entries = 8) => new(Options.Create(new WebhookOptions { MutationMemoEntries = entries }));

    [Fact]
    public void Hits_OnlyForTheSameBytes_Namespace_AndState()
    {
        var memo = Memo();
        memo.Remember("shop", Pod, Now, Injected);

        Assert.True(memo.TryGet("shop", Pod, Now, out var found));
        Assert.Same(Injected, found);
        Assert.True(memo.TryGet("shop", Pod, Now with { Cluster = new ClusterInfo(new Version(1, 30)) }, out _)); // equal, not same

        var oneByteOff = (byte[])Pod.Clone();
        oneByteOff[^3] = (byte)'x';
        Assert.False(memo.TryGet("shop", oneByteOff, Now, out _));
        Assert.False(memo.TryGet("shop", Pod.AsSpan(0, Pod.Length - 1), Now, out _));
        Assert.False(memo.TryGet("shop2", Pod, Now, out _));
        Assert.False(memo.TryGet("shop", Pod, Now with { Namespaces = 8 }, out _));
        Assert.False(memo.TryGet("shop", Pod, Now with { NetworkPolicies = 4 }, out _));
        Assert.False(memo.TryGet("shop", Pod, Now with { Cluster = new ClusterInfo(new Version(1, 28)) }, out _));
    }

    [Fact]
    public void OneSlot_KeepsTheLatestPod_AndNeverAnswersAnotherPodWithIt()
    {
        var memo = Memo(entries: 1);
        var other = Encoding.UTF8.GetBytes("""{"metadata":{"labels":{"app":"db"}}}""");
        var skipped = AdmissionDecision.Allow(AdmissionResults.Skipped, "other");
        memo.Remember("shop", Pod, Now, Injected);
        memo.Remember("shop", other, Now, skipped);

        Assert.False(memo.TryGet("shop", Pod, Now, out _));
        Assert.True(memo.TryGet("shop", other, Now, out var found));
        Assert.Same(skipped, found);
    }

    [Fact]
    public void KeepsACopy_SoTheRequestBufferCanBeReused()
    {
        var memo = Memo();
        var buffer = (byte[])Pod.Clone();
        memo.Remember("shop", buffer, Now, Injected);
        buffer[^3] = (byte)'x'; // a pooled request buffer, overwritten by the next request

        Assert.True(memo.TryGet("shop", Pod, Now, out _));
        Assert.False(memo.TryGet("shop", buffer, Now, out _));
    }

    [Fact]
    public void RemembersNothing_WhenOff_OrForLargePods()
    {
        var off = Memo(entries: 0);
        off.Remember("shop", Pod, Now, Injected);
        Assert.False(off.Enabled);
        Assert.False(off.TryGet("shop", Pod, Now, out _));

        var memo = Memo();
        var large = new byte[MutationMemo.MaxObjectBytes + 1];
        memo.Remember("shop", large, Now, Injected);
        Assert.False(memo.TryGet("shop", large, Now, out _));
    }

    [Fact]
    public async Task ARepeatedPod_GetsTheSamePatchUnderItsOwnUid_UntilTheWatchChangesItsNamespace()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api);

        var first = await MutateAsync(host, "uid-1");
        var second = await MutateAsync(host, "uid-2");
        Assert.Equal("uid-1", first.Uid);
        Assert.Equal("uid-2", second.Uid);
        Assert.NotNull(first.Patch);
        Assert.Equal(first.Response["patch"]!.GetValue<string>(), second.Response["patch"]!.GetValue<string>());
        Assert.Equal(first.Warnings, second.Warnings);
        var metrics = await MetricsAsync(host);
        Assert.Contains("tls_injector_webhook_mutation_memo_total{result=\"hit\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("tls_injector_webhook_mutation_memo_total{result=\"miss\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("tls_injector_webhook_injections_total 2\n", metrics, StringComparison.Ordinal);
        Assert.Equal(2, host.Logs.Events.Count(e => e.Properties.TryGetValue("Decision", out var d) && d.ToString() == "\"injected\""));

        // The namespace opts out; the watch delivers it, and the same pod is decided afresh.
        Assert.True(await api.WaitForWatchesAsync(ResourceType.Namespaces, 1, TimeSpan.FromSeconds(30)));
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"capture-128","labels":{"tls-injector.io/injection":"disabled"}}}""");
        await Eventually.WaitAsync(async () => (await MutateAsync(host, "uid-3")).Patch is null, "the watched namespace label to stop injection");
    }

    [Fact]
    public async Task DecidesEveryPod_WhenOff()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Webhook:MutationMemoEntries"] = "0" });

        Assert.NotNull((await MutateAsync(host, "uid-1")).Patch);
        Assert.NotNull((await MutateAsync(host, "uid-2")).Patch);
        var metrics = await MetricsAsync(host);
        Assert.Contains("tls_injector_webhook_mutation_memo_total{result=\"hit\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("tls_injector_webhook_mutation_memo_total{result=\"miss\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("tls_injector_webhook_injections_total 2\n", metrics, StringComparison.Ordinal);
    }

    private static async Task<AdmissionAnswer> MutateAsync(WebhookHost host, string uid)
    {
        var review = AdmissionFixtures.PodCreate();
        review["request"]!["uid"] = uid;
        using var response = await host.PostAsync("/mutate", review.ToJsonString());
        return await AdmissionAnswer.ReadAsync(response);
    }

    private static async Task<string> MetricsAsync(WebhookHost host)
    {
        using var response = await host.Client.GetAsync(new Uri(host.BaseAddress, "/metrics"));
        return await response.Content.ReadAsStringAsync();
    }
}
