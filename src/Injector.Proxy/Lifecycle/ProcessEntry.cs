using System.Globalization;

namespace Injector.Proxy.Lifecycle;

/// <summary>One process as <c>/proc/PID/stat</c> and <c>/proc/PID/cgroup</c> show it; both files are world-readable.</summary>
internal readonly record struct ProcessEntry(int Pid, int ParentPid, char State, string Cgroup)
{
    /// <summary>Zombie or dead: it has exited and only waits to be reaped.</summary>
    public bool HasExited => State is 'Z' or 'X' or 'x';

    /// <summary>Parses <c>PID (COMM) STATE PPID ...</c>; COMM may hold spaces and parentheses, so it ends at the last <c>)</c>.</summary>
    public static ProcessEntry? Parse(string stat, string cgroup)
    {
        var space = stat.IndexOf(' ', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        if (space <= 0 || close < space || !int.TryParse(stat.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2 || fields[0].Length != 1 || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
        {
            return null;
        }

        return new ProcessEntry(pid, parent, fields[0][0], cgroup);
    }
}
