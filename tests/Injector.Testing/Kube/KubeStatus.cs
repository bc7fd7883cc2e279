using System.Text.Json.Nodes;

namespace Injector.Testing.Kube;

/// <summary>The <c>Status</c> objects kube-apiserver answers errors with, in the shape of the recorded 404 and 401.</summary>
public static class KubeStatus
{
    public static JsonObject Create(int code, string reason, string message, string? name = null, string? kind = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (name is not null || kind is not null)
        {
            var details = new JsonObject();
            if (name is not null)
            {
                details["name"] = name;
            }

            if (kind is not null)
            {
                details["kind"] = kind;
            }

            status["details"] = details;
        }

        status["code"] = code;
        return status;
    }

    public static JsonObject NotFound(string plural, string name) => Create(404, "NotFound", $"{plural} \"{name}\" not found", name, plural);

    public static JsonObject AlreadyExists(string plural, string name) => Create(409, "AlreadyExists", $"{plural} \"{name}\" already exists", name, plural);

    /// <summary>The in-stream watch error for a resourceVersion older than the server keeps (HTTP 410 Gone).</summary>
    public static JsonObject Expired(long requested, long oldest) => Create(410, "Expired", $"too old resource version: {requested} ({oldest})");
}
