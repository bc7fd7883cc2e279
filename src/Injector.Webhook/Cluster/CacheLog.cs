namespace Injector.Webhook.Cluster;

/// <summary>Log messages of the API caches.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(200, LogLevel.Information, "Cache of {Resource} listed: {Count} objects at resourceVersion {ResourceVersion} ({Reason})")]
    public static partial void Listed(ILogger logger, string resource, int count, string resourceVersion, string reason);

    [LoggerMessage(201, LogLevel.Information, "Watch of {Resource} from resourceVersion {ResourceVersion} expired (410 Gone); relisting")]
    public static partial void WatchExpired(ILogger logger, string resource, string resourceVersion);

    [LoggerMessage(202, LogLevel.Warning, "Cache of {Resource} lost the API; serving the last good data and retrying in {Backoff}")]
    public static partial void CacheError(ILogger logger, string resource, TimeSpan backoff, Exception exception);

    [LoggerMessage(203, LogLevel.Warning, "Watch of {Resource} sent an unreadable event ({Error}); relisting in {Backoff}")]
    public static partial void BadWatchLine(ILogger logger, string resource, string error, TimeSpan backoff);
}
