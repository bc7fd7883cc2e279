using System.Text.Json.Serialization;

namespace Injector.Core.Audit;

/// <summary>An object that owns pods, as named by an <c>ownerReference</c> (<c>ReplicaSet/web-7d9c</c>, <c>Deployment/web</c>).</summary>
public sealed record WorkloadRef(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string Name)
{
    public const string Deployment = "Deployment";
    public const string StatefulSet = "StatefulSet";
    public const string DaemonSet = "DaemonSet";
    public const string ReplicaSet = "ReplicaSet";
    public const string Job = "Job";
    public const string CronJob = "CronJob";

    /// <summary>True for the kinds <c>kubectl rollout restart</c> works on: their pod template can be re-stamped.</summary>
    [JsonIgnore]
    public bool CanRolloutRestart => Kind is Deployment or StatefulSet or DaemonSet;

    /// <summary><c>deployment/web</c>, the form kubectl takes.</summary>
    public override string ToString() => $"{Kind.ToLowerInvariant()}/{Name}";
}
