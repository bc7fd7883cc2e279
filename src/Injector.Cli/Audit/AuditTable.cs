using Injector.Core.Audit;

namespace Injector.Cli.Audit;

/// <summary>The human output of <c>audit</c>: kubectl-style columns, then the settings errors in full, then a summary.</summary>
internal static class AuditTable
{
    private static readonly string[] Header = ["NAMESPACE", "POD", "OWNER", "PROBLEM", "FIX"];

    public static void Write(TextWriter output, IReadOnlyList<AuditFinding> findings, int podsChecked)
    {
        if (findings.Count == 0)
        {
            output.WriteLine($"No escaped, stale or invalid pods among {podsChecked} pod(s) checked.");
            return;
        }

        var rows = findings
            .Select(f => new[] { f.Namespace, f.Pod, f.Owner?.ToString() ?? "-", f.Reason, f.Fix })
            .Prepend(Header)
            .ToList();
        var widths = Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            // Three spaces between columns, as kubectl's tabwriter; the last column is not padded.
            output.WriteLine(string.Join("   ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }

        foreach (var finding in findings.Where(f => f.SettingsErrors.Count > 0))
        {
            output.WriteLine();
            output.WriteLine($"{finding.Namespace}/{finding.Pod}: settings the webhook would reject:");
            foreach (var error in finding.SettingsErrors)
            {
                output.WriteLine($"  - {error}");
            }
        }

        output.WriteLine();
        output.WriteLine(
            $"{findings.Count} of {podsChecked} pod(s) need attention: {Count(findings, AuditProblem.Escaped)} escaped, {Count(findings, AuditProblem.Stale)} stale, {Count(findings, AuditProblem.Invalid)} invalid.");
    }

    private static int Count(IReadOnlyList<AuditFinding> findings, AuditProblem problem) => findings.Count(f => f.Problem == problem);
}
