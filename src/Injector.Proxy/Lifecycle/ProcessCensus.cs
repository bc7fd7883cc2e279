using System.Globalization;

namespace Injector.Proxy.Lifecycle;

/// <summary>
/// Lists the live processes of a proc file system and names the container each belongs to, or null for processes
/// that do not count (the proxy's own container, the pause process). Reads the real <c>/proc</c>; a test chooses
/// which of its real processes count.
/// </summary>
internal sealed class ProcessCensus(string procRoot, Func<ProcessEntry, string?> containerOf)
{
    public const string DefaultProcRoot = "/proc";

    /// <summary>
    /// The production census in a pod with <c>shareProcessNamespace: true</c>: every container has its own cgroup,
    /// so a process counts when its cgroup is not the proxy's own, and pid 1 (the pause process) never counts. Null,
    /// with the reason, when cgroups cannot tell containers apart here (pid 1 shares the proxy's, or none is readable).
    /// </summary>
    public static ProcessCensus? OtherContainers(string procRoot, out string? reason)
    {
        var own = ReadCgroup(procRoot, "self");
        var pause = ReadCgroup(procRoot, "1");
        if (own is null || pause is null)
        {
            reason = $"{procRoot}/self/cgroup or {procRoot}/1/cgroup cannot be read";
            return null;
        }

        if (own == pause)
        {
            reason = "pid 1 shares the proxy's cgroup, so cgroups do not tell containers apart (is the pod's process namespace shared?)";
            return null;
        }

        reason = null;
        return new ProcessCensus(procRoot, p => p.Pid == 1 || p.Cgroup == own ? null : p.Cgroup);
    }

    /// <summary>The live processes that count, each with its container.</summary>
    public List<(ProcessEntry Process, string Container)> Snapshot()
    {
        var found = new List<(ProcessEntry, string)>();
        foreach (var directory in Directory.EnumerateDirectories(procRoot))
        {
            var name = Path.GetFileName(directory);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                if (ProcessEntry.Parse(File.ReadAllText(Path.Combine(directory, "stat")), File.ReadAllText(Path.Combine(directory, "cgroup")).TrimEnd()) is { HasExited: false } entry
                    && containerOf(entry) is { } container)
                {
                    found.Add((entry, container));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended between the listing and the read.
            }
        }

        return found;
    }

    private static string? ReadCgroup(string procRoot, string pid)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procRoot, pid, "cgroup")).TrimEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
