using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// An informer: lists a resource, then watches it from the list's resourceVersion, keeping a small projection of
/// each object in memory so the admission hot path makes no API call. Resumes a watch that ends cleanly,
/// relists after a watch error or 410 Gone (etcd compaction) and every <see cref="WebhookOptions.ResyncInterval"/>,
/// backs off while the API is down, and keeps serving the last good data meanwhile.
/// </summary>
internal abstract class ResourceCache<TObject, TList, TEntry>(
    KubernetesApiClient client,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    WebhookMetrics metrics,
    ILogger logger)
    where TObject : IKubernetesObject<V1ObjectMeta>
    where TList : IItems<TObject>, IMetadata<V1ListMeta>
    where TEntry : class
{
    private const int PageSize = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private volatile ConcurrentDictionary<string, TEntry> _items = new(StringComparer.Ordinal);
    private volatile bool _synced;

    /// <summary>The plural resource name, for logs and metrics.</summary>
    public abstract string ResourceName { get; }

    /// <summary>True once a first list completed; stays true while the watch reconnects.</summary>
    public bool IsSynced => _synced;

    public int Count => _items.Count;

    protected WebhookOptions Options => options.Value;

    protected KubernetesApiClient Client => client;

    /// <summary>
    /// The cached entries of one namespace. A scan of every entry (keys are <c>namespace/name</c>, see
    /// <see cref="Key"/>); enumerating never blocks the watch.
    /// </summary>
    protected IReadOnlyList<TEntry> EntriesInNamespace(string namespaceName)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        var prefix = namespaceName + "/";
        var entries = new List<TEntry>();
        foreach (var (key, entry) in _items)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>One page of the list.</summary>
    protected abstract Task<TList> ListAsync(string? continueToken, CancellationToken cancellationToken);

    /// <summary>The collection's path for all namespaces, e.g. <c>api/v1/secrets</c>; the watch is a GET of it with <c>watch=true</c>.</summary>
    protected abstract string CollectionPath { get; }

    /// <summary>The field selector of both list and watch, if any.</summary>
    protected virtual string? FieldSelector => null;

    /// <summary>What is kept of an object: only the fields the webhook reads.</summary>
    protected abstract TEntry Project(TObject obj);

    protected static string Key(string? namespaceName, string name) => namespaceName is null ? name : namespaceName + "/" + name;

    protected bool TryGetCached(string key, out TEntry entry)
    {
        if (_items.TryGetValue(key, out var found))
        {
            entry = found;
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>Stores an object fetched directly (a cache miss); the watch keeps it current from then on.</summary>
    protected TEntry Remember(TObject obj)
    {
        var entry = Project(obj);
        _items[Key(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? string.Empty)] = entry;
        return entry;
    }

    /// <summary>
    /// <paramref name="read"/> straight from the API, bounded by <see cref="WebhookOptions.LiveReadTimeout"/>; null
    /// when it is off, or the API does not answer in time (the caller then uses the cache).
    /// </summary>
    protected async Task<T?> ReadLiveAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        if (Options.LiveReadTimeout <= TimeSpan.Zero)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.LiveReadTimeout);
        try
        {
            return await read(timeout.Token);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            metrics.RecordError("live-read", ResourceName);
            return null;
        }
    }

    /// <summary>True for the API's 404.</summary>
    protected static bool IsNotFound(Exception ex) => ex is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound };

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> fires. Never throws otherwise.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var backoff = TimeSpan.FromMilliseconds(500);
        var reason = "start";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await RelistAsync(reason, cancellationToken);
                backoff = TimeSpan.FromMilliseconds(500);
                var resyncAt = timeProvider.GetUtcNow() + o.ResyncInterval;
                while (true)
                {
                    var left = resyncAt - timeProvider.GetUtcNow();
                    if (left <= TimeSpan.Zero)
                    {
                        reason = "resync";
                        break;
                    }

                    // The server ends the watch after timeoutSeconds; resuming from the last version is cheap.
                    var timeout = (int)Math.Clamp(left.TotalSeconds, 1, 300);
                    var (next, gone) = await WatchOnceAsync(resourceVersion, timeout, cancellationToken);
                    if (gone)
                    {
                        reason = "gone";
                        CacheLog.WatchExpired(logger, ResourceName, resourceVersion);
                        break;
                    }

                    resourceVersion = next;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (ex is UnreadableWatchEventException)
                {
                    // Skipping the line would leave the cache missing whatever it held: relist instead.
                    reason = "unreadable";
                    metrics.RecordWatchError(ResourceName, reason);
                    CacheLog.BadWatchLine(logger, ResourceName, ex.Message, backoff);
                }
                else
                {
                    reason = "error";
                    metrics.RecordError("cache", ResourceName);
                    CacheLog.CacheError(logger, ResourceName, backoff, ex);
                }

                try
                {
                    await Task.Delay(backoff, timeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task<string> RelistAsync(string reason, CancellationToken cancellationToken)
    {
        metrics.RecordRelist(ResourceName, reason);
        var fresh = new ConcurrentDictionary<string, TEntry>(StringComparer.Ordinal);
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var list = await ListAsync(continueToken, cancellationToken);
            foreach (var item in list.Items ?? [])
            {
                fresh[Key(item.Metadata?.NamespaceProperty, item.Metadata?.Name ?? string.Empty)] = Project(item);
            }

            resourceVersion = list.Metadata?.ResourceVersion ?? "0";
            continueToken = list.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        // Swapped whole: readers see the old map or the new one, never a half-built one.
        _items = fresh;
        _synced = true;
        CacheLog.Listed(logger, ResourceName, fresh.Count, resourceVersion, reason);
        return resourceVersion;
    }

    /// <summary>Applies watch events until the server ends the stream; returns the last version seen and whether it was 410 Gone.</summary>
    private async Task<(string ResourceVersion, bool Gone)> WatchOnceAsync(string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken)
    {
        using var response = await client.GetStreamAsync(WatchUri(resourceVersion, timeoutSeconds), cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            await foreach (var (type, obj) in WatchEventReader.ReadAsync<TObject>(stream, cancellationToken))
            {
                switch (type)
                {
                    case WatchEventType.Added:
                    case WatchEventType.Modified:
                        _items[Key(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? string.Empty)] = Project(obj);
                        break;
                    case WatchEventType.Deleted:
                        _items.TryRemove(Key(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? string.Empty), out _);
                        break;
                    default:
                        // Bookmark: nothing changed, but the version moves on so a resume does not replay old events.
                        break;
                }

                metrics.RecordWatchEvent(ResourceName, type);
                resourceVersion = obj.Metadata?.ResourceVersion is { Length: > 0 } version ? version : resourceVersion;
            }
        }
        catch (KubernetesException ex) when (ex.Status?.Code == (int)HttpStatusCode.Gone)
        {
            return (resourceVersion, true);
        }

        return (resourceVersion, false);
    }

    private string WatchUri(string resourceVersion, int timeoutSeconds)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}&timeoutSeconds={timeoutSeconds}");
        return FieldSelector is { } selector ? $"{CollectionPath}?{query}&fieldSelector={Uri.EscapeDataString(selector)}" : $"{CollectionPath}?{query}";
    }
}
