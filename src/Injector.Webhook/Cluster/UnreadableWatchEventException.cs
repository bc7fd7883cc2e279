namespace Injector.Webhook.Cluster;

/// <summary>A watch stream sent a line that is not a watch event this webhook can read. The message never holds the line (it may carry Secret data).</summary>
internal sealed class UnreadableWatchEventException : Exception
{
    public UnreadableWatchEventException()
    {
    }

    public UnreadableWatchEventException(string message)
        : base(message)
    {
    }

    public UnreadableWatchEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
