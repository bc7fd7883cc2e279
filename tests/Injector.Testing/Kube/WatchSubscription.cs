using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Injector.Testing.Kube;

/// <summary>One open watch: what it selects and the event lines waiting to be written to it.</summary>
internal sealed class WatchSubscription(ResourceType type, string? namespaceName, LabelSelector labels, LabelSelector fields, bool bookmarks)
{
    public ResourceType Type { get; } = type;

    public bool Bookmarks { get; } = bookmarks;

    public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>True when an event about <paramref name="obj"/> (in <paramref name="objectNamespace"/>) belongs to this watch.</summary>
    public bool Matches(ResourceType objectType, string objectNamespace, JsonObject obj)
        => objectType == Type
            && (namespaceName is null || namespaceName == objectNamespace)
            && labels.MatchesLabels(obj)
            && fields.MatchesFields(obj);
}
