using System.Net;
using System.Text.Json;
using k8s.Autorest;

namespace Injector.Cli.Audit;

/// <summary>API failures turned into one line that names the cause and the fix (the kubectl user's next step).</summary>
internal static class ApiErrors
{
    public static string Describe(HttpOperationException ex, string action)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var code = ex.Response?.StatusCode;
        var detail = StatusMessage(ex.Response?.Content) ?? ex.Message;
        return code switch
        {
            HttpStatusCode.Unauthorized =>
                $"the API server rejected the credentials (401 Unauthorized) for {action}. Fix: the kubeconfig's token or client certificate is expired or wrong; log in again (for example with your cloud provider's CLI, then kubectl get pods to check) or pass --kubeconfig.",
            HttpStatusCode.Forbidden =>
                $"the API server forbids {action} (403 Forbidden: {detail}). Fix: audit needs list on pods and namespaces and get on replicasets and jobs (plus patch on deployments, statefulsets and daemonsets for --restart-owners); check with kubectl auth can-i list pods -A.",
            { } c => $"the API server answered {(int)c} {c} to {action}: {detail}",
            null => $"{action} failed: {detail}",
        };
    }

    public static string Describe(HttpRequestException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return $"cannot reach the API server: {ex.Message}. Fix: check the server address of the current kubeconfig context (kubectl config view --minify), your network or VPN, or pass --kubeconfig.";
    }

    /// <summary>The <c>message</c> of a Kubernetes <c>Status</c> body, which says more than the HTTP reason phrase.</summary>
    private static string? StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(content);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
