using Injector.Core.Workloads;
using k8s.Models;

namespace Injector.Core.Admission;

/// <summary>
/// What each webhook looks at, in one place for <c>/mutate</c> and <c>/validate</c>: Pods on CREATE are mutated; Pods
/// and the six workload kinds on CREATE and UPDATE are validated. Everything else is admitted untouched.
/// </summary>
public static class AdmissionScope
{
    public const string Create = "CREATE";
    public const string Update = "UPDATE";

    /// <summary>The API group of each handled kind (empty for the core group).</summary>
    private static readonly Dictionary<string, string> Groups = new(StringComparer.Ordinal)
    {
        [WorkloadKinds.Pod] = string.Empty,
        [WorkloadKinds.Deployment] = "apps",
        [WorkloadKinds.StatefulSet] = "apps",
        [WorkloadKinds.DaemonSet] = "apps",
        [WorkloadKinds.ReplicaSet] = "apps",
        [WorkloadKinds.Job] = "batch",
        [WorkloadKinds.CronJob] = "batch",
    };

    /// <summary>Why <c>/mutate</c> leaves this request alone; null when it is a Pod CREATE to decide on.</summary>
    public static string? NotMutated(string? group, string? kind, string? subResource, string? operation)
        => kind != WorkloadKinds.Pod || !string.IsNullOrEmpty(group) ? $"kind {kind ?? "(none)"} is not mutated"
            : !string.IsNullOrEmpty(subResource) ? $"subresource {subResource} is not mutated"
            : operation != Create ? $"operation {operation ?? "(none)"} is not mutated"
            : null;

    /// <summary>Why <c>/validate</c> leaves this request alone; null when it is a handled kind's CREATE or UPDATE.</summary>
    public static string? NotValidated(string? group, string? kind, string? subResource, string? operation)
        => kind is null || !Groups.TryGetValue(kind, out var expected) || (group ?? string.Empty) != expected ? $"kind {kind ?? "(none)"} is not validated"
            : !string.IsNullOrEmpty(subResource) ? $"subresource {subResource} is not validated"
            : operation is not (Create or Update) ? $"operation {operation ?? "(none)"} is not validated"
            : null;

    /// <summary>
    /// True for an object no controller created (no <c>ownerReference</c> with <c>controller: true</c>): what a user
    /// applies, often in one <c>kubectl apply</c> with its Service and NetworkPolicy.
    /// </summary>
    public static bool AppliedByUser(V1ObjectMeta? metadata) => metadata?.OwnerReferences?.Any(r => r.Controller == true) != true;
}
