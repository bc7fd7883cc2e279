using Injector.Webhook.Bootstrap;
using Injector.Webhook.Certificates;
using Injector.Webhook.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Injector.Webhook.Health;

/// <summary>
/// <c>/readyz</c>, an ASP.NET Core health check: ready when the certificate the API server trusts is loaded, the API
/// caches have synced (and the bootstrap, when on, has patched the caBundle), and the process is not shutting down.
/// </summary>
internal sealed class Readiness(ServingCertificate certificate, ClusterState cluster, CheckCaches checkCaches, WebhookBootstrapper bootstrapper, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(Pending() is { Count: > 0 } pending
            ? HealthCheckResult.Unhealthy("not ready: " + string.Join("; ", pending))
            : HealthCheckResult.Healthy("ok"));

    public IReadOnlyList<string> Pending()
    {
        var pending = new List<string>();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            pending.Add("shutting down");
        }

        if (!certificate.IsReady)
        {
            pending.Add($"serving certificate not loaded from {certificate.Source}");
        }

        if (!bootstrapper.IsDone)
        {
            pending.Add("bootstrap (CA Secret, serving certificate, caBundle) not done");
        }

        pending.AddRange(cluster.Pending());
        pending.AddRange(checkCaches.Pending());
        return pending;
    }
}
