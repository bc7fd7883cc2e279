using System.Collections.Concurrent;

namespace Injector.Core.Validation;

/// <summary>
/// What was learned from each Secret's data, kept while the data stays the same: every pod of a workload names the
/// same Secret, and parsing its PEM, matching its key and building its chain cost far more than the rest of a
/// validation. Keyed by namespace and name, reused only for the same bytes (compared in full), and re-analysed as
/// soon as one value differs. Holds one version per Secret, and starts over when <see cref="MaxSecrets"/> are held.
/// </summary>
/// <remarks>The analysis must not depend on the clock: a verdict that does is made at admission time.</remarks>
internal sealed class SecretMemo<TAnalysis>(Func<string, string, IReadOnlyDictionary<string, byte[]>, TAnalysis> analyse)
    where TAnalysis : class
{
    /// <summary>More Secrets than a cluster's TLS workloads reference; beyond it, memory stays bounded.</summary>
    internal const int MaxSecrets = 1024;

    private readonly ConcurrentDictionary<(string Namespace, string Name), Entry> _entries = new();
    private long _analysed;

    /// <summary>How many times the analysis ran: once per Secret version while that version is held.</summary>
    public long Analysed => Interlocked.Read(ref _analysed);

    /// <summary>The analysis of this Secret's <paramref name="data"/>, from the memo when its bytes are unchanged.</summary>
    public TAnalysis Get(string namespaceName, string name, IReadOnlyDictionary<string, byte[]> data)
    {
        var key = (namespaceName, name);
        if (_entries.TryGetValue(key, out var entry))
        {
            if (ReferenceEquals(entry.Data, data))
            {
                return entry.Analysis;
            }

            if (SameBytes(entry.Data, data))
            {
                // A relist hands out fresh arrays with the same bytes: keep those, so the next lookup is a reference hit.
                _entries[key] = entry with { Data = data };
                return entry.Analysis;
            }
        }

        var analysis = analyse(namespaceName, name, data);
        Interlocked.Increment(ref _analysed);
        if (entry is null && _entries.Count >= MaxSecrets)
        {
            _entries.Clear();
        }

        // Replaced entries are not disposed: an admission running concurrently may still read their certificates.
        _entries[key] = new Entry(data, analysis);
        return analysis;
    }

    private static bool SameBytes(IReadOnlyDictionary<string, byte[]> a, IReadOnlyDictionary<string, byte[]> b)
        => a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && kv.Value.AsSpan().SequenceEqual(other));

    private sealed record Entry(IReadOnlyDictionary<string, byte[]> Data, TAnalysis Analysis);
}
