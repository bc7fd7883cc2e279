using Injector.Webhook.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Injector.Webhook.Health;

/// <summary>Maps <c>GET /healthz</c>, <c>GET /readyz</c> (ASP.NET Core health checks) and <c>GET /metrics</c>.</summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Alive means the process serves HTTPS; it runs no check, so an API outage never restarts us.
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        var services = endpoints.ServiceProvider;
        services.GetRequiredService<WebhookMetrics>().ObserveReady(() => services.GetRequiredService<Readiness>().Pending().Count == 0);
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }

    /// <summary>One line a person reads with curl: <c>ok</c>, or what is not ready.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var text = report.Entries.Values.Select(e => e.Description).FirstOrDefault(d => d is not null && report.Status != HealthStatus.Healthy) ?? "ok";
        return context.Response.WriteAsync(text + "\n");
    }
}
