using Injector.Webhook.Bootstrap;
using Injector.Webhook.Certificates;
using Injector.Webhook.Cluster;

namespace Injector.Webhook.Health;

/// <summary>
/// <c>/readyz</c>: ready when the certificate the API server trusts is loaded, the API caches have synced (and
/// the bootstrap, when on, has patched the caBundle), and the process is not shutting down.
/// </summary>
internal sealed class Readiness(ServingCertificate certificate, ClusterState cluster, CheckCaches checkCaches, WebhookBootstrapper bootstrapper, IHostApplicationLifetime lifetime)
{
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
