using Injector.Core.Configuration;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Runs the caches behind the admission checks that need more than the pod: NetworkPolicies (unless
/// <see cref="InjectorOptions.NetworkPolicyCheck"/> is <see cref="NetworkPolicyCheck.Off"/>) and Services (unless
/// <see cref="WebhookOptions.CheckServices"/> is false). A cache that is off is never started, so it lists nothing
/// and needs no RBAC; readiness waits only for the ones that are on.
/// </summary>
internal sealed class CheckCaches(
    NetworkPolicyCache networkPolicies,
    ServiceCache services,
    IOptions<InjectorOptions> injectorOptions,
    IOptions<WebhookOptions> webhookOptions,
    WebhookMetrics metrics) : BackgroundService
{
    public bool NetworkPoliciesEnabled => injectorOptions.Value.NetworkPolicyCheck != NetworkPolicyCheck.Off;

    public bool ServicesEnabled => webhookOptions.Value.CheckServices;

    /// <summary>What is not ready yet, for <c>/readyz</c>.</summary>
    public IEnumerable<string> Pending()
    {
        if (NetworkPoliciesEnabled && !networkPolicies.IsSynced)
        {
            yield return "networkpolicy cache not synced";
        }

        if (ServicesEnabled && !services.IsSynced)
        {
            yield return "service cache not synced";
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        if (NetworkPoliciesEnabled)
        {
            metrics.ObserveCache("networkpolicies", () => networkPolicies.Count, () => networkPolicies.IsSynced);
            running.Add(networkPolicies.RunAsync(stoppingToken));
        }

        if (ServicesEnabled)
        {
            metrics.ObserveCache("services", () => services.Count, () => services.IsSynced);
            running.Add(services.RunAsync(stoppingToken));
        }

        return Task.WhenAll(running);
    }
}
