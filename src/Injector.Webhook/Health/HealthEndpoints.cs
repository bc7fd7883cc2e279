using Injector.Webhook.Metrics;

namespace Injector.Webhook.Health;

/// <summary>Maps <c>GET /healthz</c>, <c>GET /readyz</c> and <c>GET /metrics</c>.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Alive means the process serves HTTPS; it does not depend on the API, so an outage never restarts us.
        endpoints.MapGet("/healthz", () => TypedResults.Text("ok\n"));
        endpoints.MapGet("/readyz", (Readiness readiness) => readiness.Pending() is { Count: > 0 } pending
            ? TypedResults.Text("not ready: " + string.Join("; ", pending) + "\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Text("ok\n"));
        endpoints.MapGet("/metrics", (WebhookMetrics metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        return endpoints;
    }
}
