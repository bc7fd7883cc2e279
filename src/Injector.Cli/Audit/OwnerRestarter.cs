using System.Globalization;
using System.Text.Json.Nodes;
using Injector.Core.Audit;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Injector.Cli.Audit;

/// <summary>
/// <c>--restart-owners</c>: what <c>kubectl rollout restart</c> does, a strategic merge patch that stamps
/// <c>kubectl.kubernetes.io/restartedAt</c> on the pod template, so the controller rolls out new pods and the
/// webhook sees each of them. Only for owners whose every finding is <see cref="AuditFinding.Restartable"/>.
/// </summary>
internal sealed class OwnerRestarter(IKubernetes client, TimeProvider time)
{
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    /// <summary>The owners to restart: each once, and none that also has a pod whose settings would be rejected.</summary>
    public static IReadOnlyList<(string Namespace, WorkloadRef Owner)> Plan(IEnumerable<AuditFinding> findings)
    {
        var owners = new List<(string Namespace, WorkloadRef Owner)>();
        var blocked = new HashSet<(string Namespace, WorkloadRef Owner)>();
        foreach (var finding in findings)
        {
            if (finding.Owner is not { CanRolloutRestart: true } owner)
            {
                continue;
            }

            var key = (finding.Namespace, owner);
            if (!finding.Restartable)
            {
                blocked.Add(key);
            }

            if (!owners.Contains(key))
            {
                owners.Add(key);
            }
        }

        return [.. owners.Where(o => !blocked.Contains(o))];
    }

    public async Task<RestartOutcome> RestartAsync(string ns, WorkloadRef owner, CancellationToken cancellationToken)
    {
        // RFC 3339 in UTC, the format kubectl writes.
        var stamp = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAtAnnotation] = stamp } },
                },
            },
        };
        var patch = new V1Patch(body.ToJsonString(), V1Patch.PatchType.StrategicMergePatch);
        try
        {
            _ = owner.Kind switch
            {
                WorkloadRef.Deployment => (object)await client.AppsV1.PatchNamespacedDeploymentAsync(patch, owner.Name, ns, cancellationToken: cancellationToken),
                WorkloadRef.StatefulSet => await client.AppsV1.PatchNamespacedStatefulSetAsync(patch, owner.Name, ns, cancellationToken: cancellationToken),
                WorkloadRef.DaemonSet => await client.AppsV1.PatchNamespacedDaemonSetAsync(patch, owner.Name, ns, cancellationToken: cancellationToken),
                _ => throw new ArgumentException($"{owner} cannot be rollout-restarted.", nameof(owner)),
            };
            return new RestartOutcome(ns, owner, stamp, null);
        }
        catch (HttpOperationException ex)
        {
            return new RestartOutcome(ns, owner, stamp, ApiErrors.Describe(ex, $"patch {owner} -n {ns}"));
        }
        catch (HttpRequestException ex)
        {
            return new RestartOutcome(ns, owner, stamp, ApiErrors.Describe(ex));
        }
    }
}
