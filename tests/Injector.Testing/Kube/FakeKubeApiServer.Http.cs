using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson.Exceptions;

namespace Injector.Testing.Kube;

// Routing and the non-watch verbs.
public sealed partial class FakeKubeApiServer
{
    /// <summary>Like Go's encoder: quotes as <c>\"</c>, not <c>\u0022</c>, so bodies read like the recordings.</summary>
    private static readonly JsonSerializerOptions Wire = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Whether a pod create keeps <c>initContainers[].restartPolicy</c>, as kube-apiserver does with the SidecarContainers
    /// gate on; when false the field is dropped, as 1.28 does by default (the gate is alpha there) and 1.19 does with
    /// a field it does not know. Default false, though the recordings' 1.28 server had the gate on.
    /// </summary>
    public bool SidecarContainersGate { get; set; }

    /// <summary>When set, creates of this type are answered 403 as RBAC answers a service account without <c>create</c>.</summary>
    public ResourceType? CreateForbidden { get; set; }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string? body = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var watch = request.Query["watch"] is var w && (w == "1" || w == "true");
        if (watch)
        {
            Record(context, body, StatusCodes.Status200OK);
        }

        BeforeRequest?.Invoke(new RecordedRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty, request.ContentType, body, 0));
        int status;
        try
        {
            status = await DispatchAsync(context, body, watch);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            status = await WriteAsync(context, KubeStatus.Create(400, "BadRequest", ex.Message));
        }

        if (!watch)
        {
            Record(context, body, status);
        }
    }

    private void Record(HttpContext context, string? body, int status)
        => _requests.Enqueue(new RecordedRequest(
            context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? string.Empty,
            context.Request.ContentType, body, status));

    private async Task<int> DispatchAsync(HttpContext context, string? body, bool watch)
    {
        if (FailureStatusCode is { } failure)
        {
            return await WriteAsync(context, KubeStatus.Create(failure, "ServiceUnavailable", "the fake API server is down (FailureStatusCode is set)"));
        }

        if (RequiredToken is { } token && context.Request.Headers.Authorization != $"Bearer {token}")
        {
            return await WriteRawAsync(context, StatusCodes.Status401Unauthorized, ApiFixtures.Read(Version, "unauthorized-401.json"));
        }

        var path = context.Request.Path.Value ?? "/";
        if (path.TrimEnd('/') == "/version")
        {
            return await WriteRawAsync(context, StatusCodes.Status200OK, ApiFixtures.Read(Version, "version.json"));
        }

        if (!TryParsePath(path, out var type, out var ns, out var name))
        {
            return await WriteAsync(context, KubeStatus.Create(404, "NotFound", "the server could not find the requested resource"));
        }

        var method = context.Request.Method;
        return (method, name) switch
        {
            ("GET", null) when watch => await WatchAsync(context, type, ns),
            ("GET", null) => await WriteAsync(context, List(type, ns, context.Request.Query)),
            ("GET", { } n) => await WriteAsync(context, Get(type, ns, n) ?? KubeStatus.NotFound(type.Plural, n)),
            ("POST", null) when type == CreateForbidden => await WriteAsync(context, Forbidden(type, ns)),
            ("POST", null) when type == ResourceType.SubjectAccessReviews => await WriteAsync(context, Review(body), created: true),
            ("POST", null) when context.Request.Query["dryRun"] == "All" => await WriteAsync(context, DryRunCreate(type, ns, body), created: true),
            ("POST", null) => await WriteAsync(context, Create(type, ns, DropDisabledFields(type, body)), created: true),
            ("PUT", { } n) => await WriteAsync(context, Replace(type, ns, n, body)),
            ("PATCH", { } n) => await WriteAsync(context, Patch(type, ns, n, context.Request.ContentType, body)),
            ("DELETE", { } n) => await WriteAsync(context, DeleteObject(type, ns, n)),
            _ => await WriteAsync(context, KubeStatus.Create(405, "MethodNotAllowed", $"{method} is not supported on {path}")),
        };
    }

    private bool TryParsePath(string path, out ResourceType type, out string? ns, out string? name)
    {
        type = ResourceType.Namespaces;
        ns = null;
        name = null;
        var parts = path.Trim('/').Split('/');
        string prefix;
        string[] rest;
        if (parts is ["api", var v, ..])
        {
            prefix = $"/api/{v}";
            rest = parts[2..];
        }
        else if (parts is ["apis", var g, var v2, ..])
        {
            prefix = $"/apis/{g}/{v2}";
            rest = parts[3..];
        }
        else
        {
            return false;
        }

        string plural;
        switch (rest)
        {
            case [var r]:
                plural = r;
                break;
            case [var r, var n]:
                plural = r;
                name = n;
                break;
            case ["namespaces", var n, var r]:
                ns = n;
                plural = r;
                break;
            case ["namespaces", var n, var r, var objectName]:
                ns = n;
                plural = r;
                name = objectName;
                break;
            default:
                return false;
        }

        lock (_gate)
        {
            if (!_types.TryGetValue((prefix, plural), out var found))
            {
                return false;
            }

            type = found;
        }

        return type.Namespaced || ns is null;
    }

    private JsonObject List(ResourceType type, string? ns, IQueryCollection query)
    {
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = LabelSelector.Parse(query["fieldSelector"]);
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var offset = query["continue"].ToString() is { Length: > 0 } token ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture) : 0;
        lock (_gate)
        {
            var matching = _objects
                .Where(kv => kv.Key.Type == type && (ns is null || kv.Key.Namespace == ns) && labels.MatchesLabels(kv.Value) && fields.MatchesFields(kv.Value))
                .OrderBy(kv => kv.Key.Namespace, StringComparer.Ordinal).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal)
                .Select(kv => kv.Value)
                .ToList();
            var page = matching.Skip(offset).Take(limit).ToList();
            var items = new JsonArray();
            foreach (var obj in page)
            {
                // Like kube-apiserver (see namespaces-list.json), list items carry no kind or apiVersion.
                var item = obj.DeepClone().AsObject();
                item.Remove("kind");
                item.Remove("apiVersion");
                items.Add(item);
            }

            var metadata = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) };
            var next = offset + page.Count;
            if (next < matching.Count)
            {
                metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(next.ToString(CultureInfo.InvariantCulture)));
                metadata["remainingItemCount"] = matching.Count - next;
            }

            return new JsonObject
            {
                ["kind"] = type.Kind + "List",
                ["apiVersion"] = type.ApiVersion,
                ["metadata"] = metadata,
                ["items"] = items,
            };
        }
    }

    private JsonObject Create(ResourceType type, string? ns, string? body)
    {
        var obj = ParseBody(body);
        var meta = Meta(obj);
        if (meta["name"] is null && meta["generateName"]?.GetValue<string>() is { } generate)
        {
            meta["name"] = generate + Guid.NewGuid().ToString("N")[..5];
        }

        if (ns is not null)
        {
            meta["namespace"] = ns;
        }

        lock (_gate)
        {
            var key = KeyOf(type, obj);
            return _objects.ContainsKey(key) ? KubeStatus.AlreadyExists(type.Plural, key.Name) : Put(type, obj);
        }
    }

    /// <summary>A server-side dry run (<c>?dryRun=All</c>): the object as it would be created, with a uid, and not stored.</summary>
    private JsonObject DryRunCreate(ResourceType type, string? ns, string? body)
    {
        var obj = ParseBody(DropDisabledFields(type, body));
        var meta = Meta(obj);
        if (meta["name"] is null && meta["generateName"]?.GetValue<string>() is { } generate)
        {
            meta["name"] = generate + Guid.NewGuid().ToString("N")[..5];
        }

        if (ns is not null)
        {
            meta["namespace"] = ns;
        }

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        obj["kind"] = type.Kind;
        obj["apiVersion"] = type.ApiVersion;
        lock (_gate)
        {
            var key = KeyOf(type, obj);
            return _objects.ContainsKey(key) ? KubeStatus.AlreadyExists(type.Plural, key.Name) : obj;
        }
    }

    /// <summary>What kube-apiserver strips from a pod when <see cref="SidecarContainersGate"/> is off.</summary>
    private string? DropDisabledFields(ResourceType type, string? body)
    {
        if (type != ResourceType.Pods || SidecarContainersGate || body is null)
        {
            return body;
        }

        var obj = ParseBody(body);
        foreach (var container in obj["spec"]?["initContainers"]?.AsArray() ?? [])
        {
            container?.AsObject().Remove("restartPolicy");
        }

        return obj.ToJsonString(Wire);
    }

    /// <summary>The Status RBAC answers with, as kube-apiserver words it for a service account.</summary>
    private static JsonObject Forbidden(ResourceType type, string? ns)
    {
        var group = type.ApiVersion.Contains('/', StringComparison.Ordinal) ? type.ApiVersion.Split('/')[0] : string.Empty;
        var where = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        return KubeStatus.Create(403, "Forbidden", $"{type.Plural} is forbidden: User \"system:serviceaccount:tls-injector:tls-injector\" cannot create resource \"{type.Plural}\" in API group \"{group}\" {where}", kind: type.Plural);
    }

    private JsonObject Replace(ResourceType type, string? ns, string name, string? body)
    {
        var obj = ParseBody(body);
        lock (_gate)
        {
            var current = Get(type, ns, name);
            if (current is null)
            {
                return KubeStatus.NotFound(type.Plural, name);
            }

            var sentVersion = obj["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (sentVersion is not null && sentVersion != current["metadata"]?["resourceVersion"]?.GetValue<string>())
            {
                return KubeStatus.Create(409, "Conflict", $"Operation cannot be fulfilled on {type.Plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", name, type.Plural);
            }

            Meta(obj)["name"] = name;
            if (ns is not null)
            {
                Meta(obj)["namespace"] = ns;
            }

            return Put(type, obj);
        }
    }

    private JsonObject Patch(ResourceType type, string? ns, string name, string? contentType, string? body)
    {
        lock (_gate)
        {
            var current = Get(type, ns, name);
            if (current is null)
            {
                return KubeStatus.NotFound(type.Plural, name);
            }

            var media = contentType?.Split(';')[0].Trim();
            if (media == "application/json-patch+json")
            {
                var patch = JsonSerializer.Deserialize<JsonPatchDocument>(body ?? "[]") ?? new JsonPatchDocument();
                try
                {
                    patch.ApplyTo(current);
                }
                catch (JsonPatchException ex)
                {
                    return KubeStatus.Create(422, "Invalid", $"the JSON patch could not be applied: {ex.Message}", name, type.Plural);
                }
            }
            else if (media is "application/merge-patch+json" or "application/strategic-merge-patch+json")
            {
                // Strategic merge is treated as a JSON merge patch: enough for metadata and scalar fields.
                MergePatch(current, ParseBody(body));
            }
            else
            {
                return KubeStatus.Create(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {contentType})");
            }

            return Put(type, current);
        }
    }

    private JsonObject DeleteObject(ResourceType type, string? ns, string name)
    {
        var current = Get(type, ns, name);
        return current is not null && Delete(type, ns, name) ? current : KubeStatus.NotFound(type.Plural, name);
    }

    private static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchChild && target[key] is JsonObject targetChild)
            {
                MergePatch(targetChild, patchChild);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    private static JsonObject ParseBody(string? body)
        => JsonNode.Parse(body ?? string.Empty)?.AsObject() ?? throw new JsonException("the request body is not a JSON object");

    private static Task<int> WriteAsync(HttpContext context, JsonObject obj, bool created = false)
    {
        var code = obj["kind"]?.GetValue<string>() == "Status" && obj["code"] is { } c ? c.GetValue<int>() : created ? 201 : 200;
        return WriteRawAsync(context, code, obj.ToJsonString(Wire));
    }

    private static async Task<int> WriteRawAsync(HttpContext context, int statusCode, string json)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
        return statusCode;
    }
}
