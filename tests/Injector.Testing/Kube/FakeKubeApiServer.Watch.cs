using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Injector.Testing.Kube;

// Watches: one JSON event per line on a chunked response, as kube-apiserver streams them.
public sealed partial class FakeKubeApiServer
{
    /// <summary>How many watches are open on <paramref name="type"/>.</summary>
    public int ActiveWatches(ResourceType type)
    {
        lock (_gate)
        {
            return _watches.Count(w => w.Type == type);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> watches are open on <paramref name="type"/>; false on timeout.</summary>
    public async Task<bool> WaitForWatchesAsync(ResourceType type, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (ActiveWatches(type) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>Ends every open watch cleanly, as when the server's watch timeout expires.</summary>
    public void CloseWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Lines.Writer.TryComplete();
            }

            _watches.Clear();
        }
    }

    /// <summary>Sends a BOOKMARK with the current resourceVersion to every open watch that asked for bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.Bookmarks))
            {
                watch.Lines.Writer.TryWrite(BookmarkLine(watch.Type));
            }
        }
    }

    /// <summary>Writes <paramref name="line"/> verbatim to every open watch on <paramref name="type"/> (e.g. an ERROR event, or garbage).</summary>
    public void PushRawEvent(ResourceType type, string line)
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.Type == type))
            {
                watch.Lines.Writer.TryWrite(line);
            }
        }
    }

    private string BookmarkLine(ResourceType type)
        => EventLine("BOOKMARK", new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) },
        });

    private async Task<int> WatchAsync(HttpContext context, ResourceType type, string? ns)
    {
        var query = context.Request.Query;
        var bookmarks = query["allowWatchBookmarks"] == "true";
        var subscription = new WatchSubscription(type, ns, LabelSelector.Parse(query["labelSelector"]), LabelSelector.Parse(query["fieldSelector"]), bookmarks);
        var replay = new List<string>();
        var open = true;
        lock (_gate)
        {
            var from = query["resourceVersion"].ToString();
            if (from is "" or "0")
            {
                // No resourceVersion: the server starts with a synthetic ADDED for every object that exists.
                replay.AddRange(_objects
                    .Where(kv => subscription.Matches(kv.Key.Type, kv.Key.Namespace, kv.Value))
                    .Select(kv => EventLine("ADDED", kv.Value)));
            }
            else if (!long.TryParse(from, CultureInfo.InvariantCulture, out var rv))
            {
                throw new FormatException($"resourceVersion '{from}' is not a number");
            }
            else if (rv < _oldestValidVersion)
            {
                replay.Add(EventLine("ERROR", KubeStatus.Expired(rv, _oldestValidVersion)));
                open = false;
            }
            else
            {
                replay.AddRange(_events
                    .Where(e => e.ResourceVersion > rv && subscription.Matches(e.Type, e.Namespace, e.Object))
                    .Select(e => EventLine(e.EventType, e.Object)));
            }

            if (open)
            {
                _watches.Add(subscription);
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var aborted = context.RequestAborted;
        try
        {
            foreach (var line in replay)
            {
                await context.Response.WriteAsync(line + "\n", aborted);
            }

            await context.Response.Body.FlushAsync(aborted);
            if (!open)
            {
                return StatusCodes.Status200OK;
            }

            using var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds))
                : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
            while (await WaitForLineAsync(subscription, bookmarks, linked.Token) is var (ready, bookmarkDue) && (ready || bookmarkDue))
            {
                if (bookmarkDue)
                {
                    lock (_gate)
                    {
                        subscription.Lines.Writer.TryWrite(BookmarkLine(type));
                    }
                }

                while (subscription.Lines.Reader.TryRead(out var line))
                {
                    await context.Response.WriteAsync(line + "\n", linked.Token);
                }

                await context.Response.Body.FlushAsync(linked.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away, or timeoutSeconds passed: the watch ends like a real one does.
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(subscription);
            }
        }

        return StatusCodes.Status200OK;
    }

    /// <summary>(lines ready, bookmark due); (false, false) when the watch was closed.</summary>
    private async Task<(bool Ready, bool BookmarkDue)> WaitForLineAsync(WatchSubscription subscription, bool bookmarks, CancellationToken cancellationToken)
    {
        if (!bookmarks || _options.BookmarkInterval is not { } interval)
        {
            return (await subscription.Lines.Reader.WaitToReadAsync(cancellationToken), false);
        }

        using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        tick.CancelAfter(interval);
        try
        {
            return (await subscription.Lines.Reader.WaitToReadAsync(tick.Token), false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, true);
        }
    }
}
