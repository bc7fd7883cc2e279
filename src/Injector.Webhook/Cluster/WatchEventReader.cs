using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Reads a watch response: one JSON event per line, <c>{"type":"ADDED","object":{...}}</c>. The envelope is read
/// with <see cref="JsonDocument"/> and the object with <see cref="KubernetesJson"/>, whose source-generated model
/// metadata works under NativeAOT (the library's own watcher deserializes a generic envelope type that has none).
/// </summary>
internal static class WatchEventReader
{
    /// <summary>
    /// The events of <paramref name="stream"/> until it ends. An <c>ERROR</c> event throws
    /// <see cref="KubernetesException"/> with the server's Status (410 when the version was compacted); a line that
    /// is not a watch event throws <see cref="UnreadableWatchEventException"/>: the caller relists rather than
    /// guess which events it missed.
    /// </summary>
    public static async IAsyncEnumerable<(WatchEventType Type, T Object)> ReadAsync<T>(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return Parse<T>(line);
        }
    }

    /// <summary>One line of a watch stream.</summary>
    public static (WatchEventType Type, T Object) Parse<T>(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new UnreadableWatchEventException($"not JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("object", out var objectElement) || objectElement.ValueKind != JsonValueKind.Object)
            {
                throw new UnreadableWatchEventException("not a watch event: it needs a string \"type\" and an object \"object\"");
            }

            var type = typeElement.GetString() switch
            {
                "ADDED" => WatchEventType.Added,
                "MODIFIED" => WatchEventType.Modified,
                "DELETED" => WatchEventType.Deleted,
                "BOOKMARK" => WatchEventType.Bookmark,
                "ERROR" => WatchEventType.Error,
                var other => throw new UnreadableWatchEventException($"unknown watch event type \"{other}\""),
            };

            try
            {
                if (type == WatchEventType.Error)
                {
                    throw new KubernetesException(KubernetesJson.Deserialize<V1Status>(objectElement));
                }

                return (type, KubernetesJson.Deserialize<T>(objectElement));
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or FormatException or InvalidOperationException)
            {
                throw new UnreadableWatchEventException($"the {typeElement.GetString()} event's object cannot be read as {typeof(T).Name}: {ex.Message}", ex);
            }
        }
    }
}
