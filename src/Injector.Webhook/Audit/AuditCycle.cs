using Injector.Core.Audit;
using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Webhook.Configuration;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Audit;

/// <summary>
/// One pass of the audit: lists namespaces and then pods (a page at a time, so a big cluster never sits in memory
/// whole), asks Core's <see cref="PodAuditor"/> about each pod and records an Event per finding. Reads and creates
/// Events only: it never deletes, evicts, patches or restarts anything.
/// </summary>
internal sealed partial class AuditCycle(
    IKubernetes client,
    AuditEventRecorder events,
    IOptions<InjectorOptions> injectorOptions,
    IOptions<WebhookOptions> webhookOptions,
    ILogger<AuditCycle> logger)
{
    private const int PageSize = 500;

    public async Task<AuditSummary> RunAsync(string identity, CancellationToken cancellationToken)
    {
        var options = injectorOptions.Value;
        var interval = webhookOptions.Value.Audit.Interval;
        var namespaces = await ListNamespacesAsync(cancellationToken);
        var counts = Enum.GetValues<AuditProblem>().ToDictionary(p => p, _ => 0);
        var seen = 0;
        var created = 0;
        string? continueToken = null;
        do
        {
            var page = await client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: continueToken, limit: PageSize, cancellationToken: cancellationToken);
            foreach (var pod in page.Items ?? [])
            {
                seen++;
                var nsName = pod.Metadata?.NamespaceProperty ?? string.Empty;
                var ns = namespaces.TryGetValue(nsName, out var info) ? info : NamespaceInfo.Empty(nsName);
                if (PodAuditor.Audit(pod, ns, options) is not { } finding)
                {
                    continue;
                }

                counts[finding.Problem]++;
                Log.Finding(logger, finding.Namespace, finding.Pod, finding.Problem, finding.Reason);
                try
                {
                    if (await events.RecordAsync(pod, finding, identity, interval, cancellationToken))
                    {
                        created++;
                    }
                }
                catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    // One Event that cannot be written (RBAC, a namespace being deleted) must not hide the others.
                    Log.EventFailed(logger, finding.Namespace, finding.Pod, ex);
                }
            }

            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        events.Prune(interval);
        var summary = new AuditSummary(counts, seen, created);
        Log.Done(logger, seen, summary[AuditProblem.Escaped], summary[AuditProblem.Stale], summary[AuditProblem.Invalid], created);
        return summary;
    }

    private async Task<Dictionary<string, NamespaceInfo>> ListNamespacesAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        string? continueToken = null;
        do
        {
            var page = await client.CoreV1.ListNamespaceAsync(continueParameter: continueToken, limit: PageSize, cancellationToken: cancellationToken);
            foreach (var ns in page.Items ?? [])
            {
                var name = ns.Metadata?.Name ?? string.Empty;
                var labels = new Dictionary<string, string>(ns.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);

                // Only our annotations are namespace defaults; the rest (last-applied-configuration) is dead weight.
                var annotations = (ns.Metadata?.Annotations ?? new Dictionary<string, string>())
                    .Where(kv => kv.Key.StartsWith(ContractNames.Prefix, StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
                result[name] = new NamespaceInfo(name, labels, annotations);
            }

            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return result;
    }

    private static partial class Log
    {
        [LoggerMessage(700, LogLevel.Warning, "Audit: pod {PodNamespace}/{PodName} is {Problem}: {Reason}")]
        public static partial void Finding(ILogger logger, string podNamespace, string podName, AuditProblem problem, string reason);

        [LoggerMessage(701, LogLevel.Warning, "Audit: could not create the Event for pod {PodNamespace}/{PodName}")]
        public static partial void EventFailed(ILogger logger, string podNamespace, string podName, Exception exception);

        [LoggerMessage(702, LogLevel.Information, "Audit done: {Pods} pods, {Escaped} escaped, {Stale} stale, {Invalid} invalid, {Events} events created")]
        public static partial void Done(ILogger logger, int pods, int escaped, int stale, int invalid, int events);
    }
}
