namespace Injector.Cli.Doctor;

/// <summary>The human output of <c>doctor</c>: one line per check, its fix under a failed or warned check, then a summary.</summary>
internal static class DoctorText
{
    public static void Write(TextWriter output, DoctorReport report)
    {
        output.WriteLine($"tls-injector doctor: namespace {report.Namespace}");
        foreach (var check in report.Checks)
        {
            output.WriteLine($"{Symbol(check.Status)} {check.Name}: {check.Message}");
            if (check.Fix is not null)
            {
                output.WriteLine($"    fix: {check.Fix}");
            }
        }

        var failed = report.Checks.Count(c => c.Status == CheckStatus.Fail);
        var warned = report.Checks.Count(c => c.Status == CheckStatus.Warn);
        output.WriteLine();
        output.WriteLine($"{(failed == 0 ? "✔" : "✘")} {report.Checks.Count} check(s): {report.Checks.Count - failed - warned} passed, {warned} warning(s), {failed} failed.");
    }

    /// <summary>✔ ‼ ✘, as <c>linkerd check</c> marks its results.</summary>
    public static string Symbol(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "✔",
        CheckStatus.Warn => "‼",
        _ => "✘",
    };
}
