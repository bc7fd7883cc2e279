using Injector.Core.Audit;

namespace Injector.Webhook.Audit;

/// <summary>What one audit found: pods per problem, how many were looked at, and how many Events were created.</summary>
internal sealed record AuditSummary(IReadOnlyDictionary<AuditProblem, int> Counts, int PodsSeen, int EventsCreated)
{
    public static readonly AuditSummary Empty = new(new Dictionary<AuditProblem, int>(), 0, 0);

    public int this[AuditProblem problem] => Counts.TryGetValue(problem, out var n) ? n : 0;
}
