using System.Net;
using Injector.Core.Audit;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Injector.Cli.Audit;

/// <summary>
/// Follows a pod's controller one step further where that is where the fix lives: ReplicaSet → Deployment
/// (rollout restart works on the Deployment only) and Job → CronJob. One GET per owner, remembered.
/// </summary>
internal sealed class OwnerResolver(IKubernetes client)
{
    private readonly Dictionary<(string Namespace, WorkloadRef Owner), WorkloadRef> _resolved = [];

    public async Task<AuditFinding> ResolveAsync(AuditFinding finding, CancellationToken cancellationToken)
    {
        if (finding.Owner is not { Kind: WorkloadRef.ReplicaSet or WorkloadRef.Job } owner)
        {
            return finding;
        }

        var key = (finding.Namespace, owner);
        if (!_resolved.TryGetValue(key, out var top))
        {
            top = await ParentAsync(finding.Namespace, owner, cancellationToken) ?? owner;
            _resolved[key] = top;
        }

        return finding with { Owner = top };
    }

    private async Task<WorkloadRef?> ParentAsync(string ns, WorkloadRef owner, CancellationToken cancellationToken)
    {
        try
        {
            V1ObjectMeta metadata = owner.Kind == WorkloadRef.ReplicaSet
                ? (await client.AppsV1.ReadNamespacedReplicaSetAsync(owner.Name, ns, cancellationToken: cancellationToken)).Metadata
                : (await client.BatchV1.ReadNamespacedJobAsync(owner.Name, ns, cancellationToken: cancellationToken)).Metadata;
            return PodAuditor.ControllerOf(metadata) is { Kind: WorkloadRef.Deployment or WorkloadRef.CronJob } parent ? parent : null;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted since the pod list (a finished rollout): the pod's own owner is the best we know.
            return null;
        }
    }
}
