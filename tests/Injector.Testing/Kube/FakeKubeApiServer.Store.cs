using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Injector.Testing.Kube;

// The object store: every object as JSON, one global resourceVersion counter, an event log for watch replay.
public sealed partial class FakeKubeApiServer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string ApiPrefix, string Plural), ResourceType> _types = [];
    private readonly Dictionary<ObjectKey, JsonObject> _objects = [];
    private readonly LinkedList<StoredEvent> _events = new();
    private readonly List<WatchSubscription> _watches = [];
    private readonly List<(WatchSubscription Watch, string Line)> _heldEvents = [];
    private bool _holdWatchEvents;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private long _resourceVersion = 100;
    private long _oldestValidVersion;

    /// <summary>Every request answered so far, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>The current resourceVersion of the whole store.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>
    /// While true, changes are stored and listed at once but their watch events wait, as when the watch lags
    /// behind the API server's storage; setting it back to false delivers them in order.
    /// </summary>
    public bool HoldWatchEvents
    {
        get
        {
            lock (_gate)
            {
                return _holdWatchEvents;
            }
        }

        set
        {
            lock (_gate)
            {
                _holdWatchEvents = value;
                if (!value)
                {
                    foreach (var (watch, line) in _heldEvents)
                    {
                        watch.Lines.Writer.TryWrite(line);
                    }

                    _heldEvents.Clear();
                }
            }
        }
    }

    /// <summary>Makes another resource type servable (built-in types are registered already).</summary>
    public void Register(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            _types[(type.ApiPrefix, type.Plural)] = type;
        }
    }

    /// <summary>Adds or replaces an object (a deep copy is stored); open watches see ADDED or MODIFIED. Returns the stored copy.</summary>
    public JsonObject Put(ResourceType type, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        lock (_gate)
        {
            var copy = obj.DeepClone().AsObject();
            var key = KeyOf(type, copy);
            Stamp(type, copy, _objects.TryGetValue(key, out var previous) ? previous : null);
            _objects[key] = copy;
            Publish(previous is null ? "ADDED" : "MODIFIED", type, key.Namespace, copy);
            return copy.DeepClone().AsObject();
        }
    }

    /// <summary>Parses <paramref name="json"/> and <see cref="Put(ResourceType, JsonObject)"/>s it.</summary>
    public JsonObject Put(ResourceType type, string json)
        => Put(type, JsonNode.Parse(json)?.AsObject() ?? throw new ArgumentException("Not a JSON object.", nameof(json)));

    /// <summary>
    /// Puts each object of a manifest stream under the registered type of its apiVersion and kind, as
    /// <c>kubectl apply</c> would create them (no kustomize run: the files are taken as they are).
    /// </summary>
    public void PutManifests(string yaml)
    {
        foreach (var node in YamlJson.ParseAll(yaml))
        {
            var obj = node?.AsObject() ?? throw new ArgumentException("A manifest document is not an object.", nameof(yaml));
            var apiVersion = obj["apiVersion"]?.GetValue<string>();
            var kind = obj["kind"]?.GetValue<string>();
            ResourceType? type;
            lock (_gate)
            {
                type = _types.Values.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
            }

            Put(type ?? throw new ArgumentException($"{apiVersion} {kind} is not a registered type.", nameof(yaml)), obj);
        }
    }

    /// <summary>A copy of a stored object, or null.</summary>
    public JsonObject? Get(ResourceType type, string? namespaceName, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            return _objects.TryGetValue(new ObjectKey(type, namespaceName ?? string.Empty, name), out var obj) ? obj.DeepClone().AsObject() : null;
        }
    }

    /// <summary>Removes an object; open watches see DELETED. False when there was none.</summary>
    public bool Delete(ResourceType type, string? namespaceName, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            var key = new ObjectKey(type, namespaceName ?? string.Empty, name);
            if (!_objects.Remove(key, out var obj))
            {
                return false;
            }

            Meta(obj)["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
            Publish("DELETED", type, key.Namespace, obj);
            return true;
        }
    }

    /// <summary>Forgets every event so far: a watch resuming from an older resourceVersion gets 410 Gone, as after etcd compaction.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _events.Clear();
            _oldestValidVersion = _resourceVersion;
        }
    }

    private void Stamp(ResourceType type, JsonObject obj, JsonObject? previous)
    {
        obj["kind"] = type.Kind;
        obj["apiVersion"] = type.ApiVersion;
        var meta = Meta(obj);
        meta["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        meta["uid"] ??= previous?["metadata"]?["uid"]?.DeepClone() ?? Guid.NewGuid().ToString();
        meta["creationTimestamp"] ??= previous?["metadata"]?["creationTimestamp"]?.DeepClone()
            ?? DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    }

    private void Publish(string eventType, ResourceType type, string namespaceName, JsonObject obj)
    {
        var rv = _resourceVersion;
        _events.AddLast(new StoredEvent(rv, type, namespaceName, eventType, obj.DeepClone().AsObject()));
        while (_events.Count > _options.MaxRetainedEvents && _events.First is { } first)
        {
            _oldestValidVersion = first.Value.ResourceVersion;
            _events.RemoveFirst();
        }

        var line = EventLine(eventType, obj);
        foreach (var watch in _watches)
        {
            if (!watch.Matches(type, namespaceName, obj))
            {
                continue;
            }

            if (_holdWatchEvents)
            {
                _heldEvents.Add((watch, line));
            }
            else
            {
                watch.Lines.Writer.TryWrite(line);
            }
        }
    }

    private static string EventLine(string eventType, JsonNode obj)
        => new JsonObject { ["type"] = eventType, ["object"] = obj.DeepClone() }.ToJsonString(Wire);

    private static JsonObject Meta(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta)
        {
            return meta;
        }

        meta = [];
        obj["metadata"] = meta;
        return meta;
    }

    private static ObjectKey KeyOf(ResourceType type, JsonObject obj)
    {
        var meta = Meta(obj);
        var name = meta["name"]?.GetValue<string>() ?? throw new ArgumentException($"A {type.Kind} needs metadata.name.", nameof(obj));
        var ns = type.Namespaced
            ? meta["namespace"]?.GetValue<string>() ?? throw new ArgumentException($"A {type.Kind} needs metadata.namespace.", nameof(obj))
            : string.Empty;
        return new ObjectKey(type, ns, name);
    }

    private readonly record struct ObjectKey(ResourceType Type, string Namespace, string Name);

    private sealed record StoredEvent(long ResourceVersion, ResourceType Type, string Namespace, string EventType, JsonObject Object);
}
