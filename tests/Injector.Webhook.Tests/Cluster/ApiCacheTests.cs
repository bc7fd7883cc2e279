using System.Diagnostics.Metrics;
using System.Text;
using Injector.Core.Admission;
using Injector.Core.Validation;
using Injector.Testing.Kube;
using Injector.Webhook.Cluster;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Injector.Webhook.Tests.Cluster;

/// <summary>The Namespace and Secret caches against the fake API server, with the real KubernetesClient.</summary>
public sealed class ApiCacheTests
{
    private static readonly IOptions<WebhookOptions> Defaults = Options.Create(new WebhookOptions());

    /// <summary>The sum of what <paramref name="counter"/> recorded with these label values.</summary>
    private static long Counted(MetricCollector<long> counter, string resource, string reason)
        => counter.GetMeasurementSnapshot().Where(m => Equals(m.Tags["resource"], resource) && Equals(m.Tags["reason"], reason)).Sum(m => m.Value);

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task NamespaceCache_Syncs_FollowsWatch_AndRelistsAfterGone()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        using var client = new KubernetesApiClient(api.ClientConfiguration());
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var relists = new MetricCollector<long>(meters, WebhookMetrics.MeterName, "tls_injector_webhook_cache_relists");
        var cache = new NamespaceCache(client, Defaults, TimeProvider.System, new WebhookMetrics(meters), NullLogger<NamespaceCache>.Instance);
        using var cts = new CancellationTokenSource();
        var run = cache.RunAsync(cts.Token);

        await WaitForAsync(() => cache.IsSynced, "the first list");
        Assert.Equal(11, cache.Count);
        var fx = await cache.GetAsync("fx", CancellationToken.None);
        Assert.Equal("enabled", fx.Info!.Labels["tls-injector.io/injection"]);
        Assert.Equal("optional", fx.Info.Annotations["tls-injector.io/mtls"]);

        Assert.True(await api.WaitForWatchesAsync(ResourceType.Namespaces, 1, TimeSpan.FromSeconds(20)));
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"shop","labels":{"tls-injector.io/injection":"enabled"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}","tls-injector.io/ports":"8080"}}}""");
        await WaitForAsync(() => cache.Count == 12, "the ADDED event");
        var shop = await cache.GetAsync("shop", CancellationToken.None);
        Assert.Equal(["tls-injector.io/ports"], shop.Info!.Annotations.Keys);
        var getsBefore = api.Requests.Count(r => r.Path == "/api/v1/namespaces/shop");
        Assert.Equal(0, getsBefore);

        // The watch ends and the events in between are compacted away: the cache must relist.
        api.Compact();
        api.CloseWatches();
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"after-gone"}}""");
        api.Compact();
        await WaitForAsync(() => cache.Count == 13, "the relist after 410 Gone");
        Assert.Equal(1, Counted(relists, "namespaces", "gone"));

        api.Delete(ResourceType.Namespaces, null, "shop");
        await WaitForAsync(() => cache.Count == 12, "the DELETED event");
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task NamespaceCache_FallsBackToGet_AndReportsOutage()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var client = new KubernetesApiClient(api.ClientConfiguration());
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var cache = new NamespaceCache(client, Defaults, TimeProvider.System, new WebhookMetrics(services.GetRequiredService<IMeterFactory>()), NullLogger<NamespaceCache>.Instance);

        // Not running: every lookup is a miss and goes to the API.
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"late"}}""");
        Assert.Equal(NamespaceLookupStatus.Found, (await cache.GetAsync("late", CancellationToken.None)).Status);
        Assert.Equal(NamespaceLookupStatus.NotFound, (await cache.GetAsync("nope", CancellationToken.None)).Status);
        api.FailureStatusCode = 503;
        var down = await cache.GetAsync("other", CancellationToken.None);
        Assert.Equal(NamespaceLookupStatus.Unavailable, down.Status);
        Assert.Contains("other", down.Error, StringComparison.Ordinal);

        // What was fetched once is served from memory, outage or not.
        Assert.Equal(NamespaceLookupStatus.Found, (await cache.GetAsync("late", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task SecretCache_KeepsOnlyTlsKeys_AndSkipsServiceAccountTokens()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        api.Put(ResourceType.Secrets, """{"metadata":{"name":"mixed","namespace":"fx"},"type":"Opaque","data":{"tls.crt":"Y3J0","ca.crt":"Y2E=","password":"aHVudGVyMg=="}}""");
        api.Put(ResourceType.Secrets, """{"metadata":{"name":"token","namespace":"fx"},"type":"kubernetes.io/service-account-token","data":{"token":"eHl6"}}""");
        using var client = new KubernetesApiClient(api.ClientConfiguration());
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var cache = new SecretCache(client, Defaults, TimeProvider.System, new WebhookMetrics(services.GetRequiredService<IMeterFactory>()), NullLogger<SecretCache>.Instance);
        using var cts = new CancellationTokenSource();
        var run = cache.RunAsync(cts.Token);
        await WaitForAsync(() => cache.IsSynced, "the first list");
        Assert.Equal(2, cache.Count);

        var mixed = await cache.GetAsync("fx", "mixed", CancellationToken.None);
        Assert.Equal(SecretLookupStatus.Found, mixed.Status);
        Assert.Equal(["ca.crt", "tls.crt"], mixed.Data.Keys.Order());
        Assert.Equal("crt", Encoding.UTF8.GetString(mixed.Data["tls.crt"]));
        var recorded = await cache.GetAsync("fx", "web-tls", CancellationToken.None);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", Encoding.UTF8.GetString(recorded.Data["tls.crt"]), StringComparison.Ordinal);
        Assert.Equal(SecretLookupStatus.NotFound, (await cache.GetAsync("fx", "absent", CancellationToken.None)).Status);
        Assert.DoesNotContain(api.Requests, r => r.Path == "/api/v1/namespaces/fx/secrets/web-tls");

        Assert.True(await api.WaitForWatchesAsync(ResourceType.Secrets, 1, TimeSpan.FromSeconds(20)));
        api.Put(ResourceType.Secrets, """{"metadata":{"name":"fresh","namespace":"fx"},"type":"kubernetes.io/tls","data":{"tls.crt":"YQ==","tls.key":"Yg=="}}""");
        await WaitForAsync(() => cache.Count == 3, "the ADDED secret");
        api.FailureStatusCode = 503;
        Assert.Equal(SecretLookupStatus.Found, (await cache.GetAsync("fx", "fresh", CancellationToken.None)).Status);
        Assert.Equal(SecretLookupStatus.Unavailable, (await cache.GetAsync("fx", "unknown", CancellationToken.None)).Status);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task Cache_RelistsAfterAnUnreadableWatchLine_CountsIt_AndRecoversAfterOutage()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        using var client = new KubernetesApiClient(api.ClientConfiguration());
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var relists = new MetricCollector<long>(meters, WebhookMetrics.MeterName, "tls_injector_webhook_cache_relists");
        using var watchErrors = new MetricCollector<long>(meters, WebhookMetrics.MeterName, "tls_injector_webhook_cache_watch_errors");
        using var errors = new MetricCollector<long>(meters, WebhookMetrics.MeterName, "tls_injector_webhook_errors");

        // Backoffs wait on this clock, so the test decides when each retry happens.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new NamespaceCache(client, Defaults, clock, new WebhookMetrics(meters), NullLogger<NamespaceCache>.Instance);
        using var cts = new CancellationTokenSource();
        var run = cache.RunAsync(cts.Token);
        await WaitForAsync(() => cache.IsSynced, "the first list");
        Assert.True(await api.WaitForWatchesAsync(ResourceType.Namespaces, 1, TimeSpan.FromSeconds(20)));
        var listsBefore = api.Requests.Count(r => r.Method == "GET" && r.Path == "/api/v1/namespaces" && !r.IsWatch);

        // A line that is not an event ends the watch; what it held is unknown, so the cache relists and
        // finds the namespace that the lost line may have carried.
        api.PushRawEvent(ResourceType.Namespaces, "this is not json");
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"after-garbage"}}""");
        await WaitForAsync(() => Counted(watchErrors, "namespaces", "unreadable") == 1, "the unreadable line counted");
        Assert.NotEqual(12, cache.Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => cache.Count == 12, "the namespace put after the bad line");
        await WaitForAsync(() => Counted(relists, "namespaces", "unreadable") == 1, "the relist after it");
        Assert.True(api.Requests.Count(r => r.Method == "GET" && r.Path == "/api/v1/namespaces" && !r.IsWatch) > listsBefore);

        // An outage: the watch is cut and the relist fails until the API is back; the cache keeps answering.
        api.FailureStatusCode = 503;
        api.CloseWatches();
        await WaitForAsync(() => errors.GetMeasurementSnapshot().Any(m => Equals(m.Tags["endpoint"], "cache")), "the failed watch counted");
        Assert.Equal(NamespaceLookupStatus.Found, (await cache.GetAsync("after-garbage", CancellationToken.None)).Status);
        api.Put(ResourceType.Namespaces, """{"metadata":{"name":"during-outage"}}""");
        api.FailureStatusCode = null;
        Assert.Equal(12, cache.Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => cache.Count == 13, "the relist after the outage");
        cts.Cancel();
        await run;
    }
}
