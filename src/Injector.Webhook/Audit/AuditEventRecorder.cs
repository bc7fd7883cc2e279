using System.Collections.Concurrent;
using System.Globalization;
using Injector.Core.Audit;
using k8s;
using k8s.Models;

namespace Injector.Webhook.Audit;

/// <summary>
/// Puts one Warning Event on a pod per finding, at most once per pod and reason within the audit interval. The
/// memory of what was sent lives in this replica only: a new leader may repeat an Event once, which is harmless
/// (Events are advisory and expire), while a lost Event would hide an escaped pod.
/// </summary>
internal sealed class AuditEventRecorder(IKubernetes client, TimeProvider timeProvider)
{
    /// <summary>Longest message kept: kubectl prints it on one line, and events.k8s.io caps its note at 1 kB.</summary>
    private const int MaxMessageLength = 1024;

    private readonly ConcurrentDictionary<(string Uid, string Reason), DateTimeOffset> _sent = new();

    /// <summary>True when an Event was created; false when one was sent for this pod and reason less than <paramref name="interval"/> ago.</summary>
    public async Task<bool> RecordAsync(V1Pod pod, AuditFinding finding, string identity, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(finding);
        var reason = AuditNames.EventReason(finding.Problem);
        var key = (pod.Metadata.Uid ?? $"{finding.Namespace}/{finding.Pod}", reason);
        var now = timeProvider.GetUtcNow();
        if (_sent.TryGetValue(key, out var last) && now - last < interval)
        {
            return false;
        }

        await client.CoreV1.CreateNamespacedEventAsync(Build(pod, finding, reason, identity, now), finding.Namespace, cancellationToken: cancellationToken);
        _sent[key] = now;
        return true;
    }

    /// <summary>Forgets pods not seen for two intervals (deleted, or fixed), so memory follows the cluster.</summary>
    public void Prune(TimeSpan interval)
    {
        var cutoff = timeProvider.GetUtcNow() - (2 * interval);
        foreach (var (key, sent) in _sent)
        {
            if (sent < cutoff)
            {
                _sent.TryRemove(key, out _);
            }
        }
    }

    private static Corev1Event Build(V1Pod pod, AuditFinding finding, string reason, string identity, DateTimeOffset now)
    {
        var message = string.Join(" ", [$"{finding.Reason}.", $"Fix: {finding.Fix}.", .. finding.SettingsErrors]);
        if (message.Length > MaxMessageLength)
        {
            message = message[..(MaxMessageLength - 1)] + "…";
        }

        // Named like client-go's recorder (NAME.UNIXNANO in hex), so kubectl describe lists them in order.
        var podName = finding.Pod.Length > 236 ? finding.Pod[..236] : finding.Pod;
        var nanos = (now.ToUnixTimeMilliseconds() * 1_000_000L).ToString("x", CultureInfo.InvariantCulture);
        return new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = $"{podName}.{nanos}", NamespaceProperty = finding.Namespace },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Name = finding.Pod,
                NamespaceProperty = finding.Namespace,
                Uid = pod.Metadata.Uid,
            },
            Reason = reason,
            Message = message,
            Type = AuditNames.EventTypeWarning,
            Source = new V1EventSource { Component = AuditNames.Component },
            ReportingComponent = AuditNames.Component,
            ReportingInstance = identity,
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
        };
    }
}
