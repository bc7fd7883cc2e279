using Injector.Core.Injection;
using Injector.Webhook.Configuration;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Admission;

/// <summary>
/// Recent <c>/mutate</c> answers, found again by the pod's exact JSON. A ReplicaSet, Job or DaemonSet creates its
/// pods from one template, and the API server sends each of them with the same object (the name is generated after
/// admission), so a rollout or a scale-up asks the same question hundreds of times in a burst — the moment the
/// webhook's latency is added to every pod's start and its CPU limit is most likely to throttle it.
/// An answer is a function of the object, its namespace's cached labels and annotations, the cached NetworkPolicies,
/// the cluster's version and the (fixed) options; it is reused only while the caches' generations and the cluster
/// info are the ones it was computed under, and only for the same bytes, compared in full (the hash only picks the
/// slot: a pod crafted to collide gets its own answer). Bounded: a fixed number of slots, each replaced by the next
/// pod that hashes to it, and no pod over <see cref="MaxObjectBytes"/> is kept.
/// </summary>
internal sealed class MutationMemo(IOptions<WebhookOptions> options)
{
    /// <summary>Larger pods are decided every time: keeping them would let a few bodies hold megabytes.</summary>
    internal const int MaxObjectBytes = 64 * 1024;

    private readonly Entry?[] _slots = new Entry?[options.Value.MutationMemoEntries];

    /// <summary>What the answer depended on besides the object: the caches' generations and the cluster's version.</summary>
    internal readonly record struct Stamp(long Namespaces, long NetworkPolicies, ClusterInfo Cluster);

    public bool Enabled => _slots.Length > 0;

    /// <summary>The answer given to this same object in this namespace under the same <paramref name="stamp"/>, if remembered.</summary>
    public bool TryGet(string namespaceName, ReadOnlySpan<byte> objectJson, Stamp stamp, out AdmissionDecision decision)
    {
        decision = null!;
        if (!Enabled || objectJson.Length > MaxObjectBytes)
        {
            return false;
        }

        var hash = Hash(namespaceName, objectJson);
        if (Volatile.Read(ref _slots[Slot(hash)]) is { } entry
            && entry.Hash == hash
            && entry.Stamp == stamp
            && entry.Namespace == namespaceName
            && objectJson.SequenceEqual(entry.Object))
        {
            decision = entry.Decision;
            return true;
        }

        return false;
    }

    /// <summary>Keeps <paramref name="decision"/>, which must not be changed afterwards (it is shared by every hit).</summary>
    public void Remember(string namespaceName, ReadOnlySpan<byte> objectJson, Stamp stamp, AdmissionDecision decision)
    {
        if (!Enabled || objectJson.Length > MaxObjectBytes)
        {
            return;
        }

        var hash = Hash(namespaceName, objectJson);
        Volatile.Write(ref _slots[Slot(hash)], new Entry(hash, namespaceName, objectJson.ToArray(), stamp, decision));
    }

    private int Slot(int hash) => (int)((uint)hash % (uint)_slots.Length);

    /// <summary>Seeded per process (<see cref="HashCode"/>), so which pods share a slot cannot be planned from outside.</summary>
    private static int Hash(string namespaceName, ReadOnlySpan<byte> objectJson)
    {
        var hash = new HashCode();
        hash.Add(namespaceName, StringComparer.Ordinal);
        hash.AddBytes(objectJson);
        return hash.ToHashCode();
    }

    /// <summary>Immutable once published: readers take the slot's entry as a whole or not at all.</summary>
    private sealed record Entry(int Hash, string Namespace, byte[] Object, Stamp Stamp, AdmissionDecision Decision);
}
