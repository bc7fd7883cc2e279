using System.Diagnostics;
using Injector.Proxy.Lifecycle;

namespace Injector.Proxy.Tests.Lifecycle;

public sealed class ProcessCensusTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("proc-").FullName;

    [Fact]
    public void Snapshot_OfTheRealProc_SeesAChildUntilItExits()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var census = new ProcessCensus(ProcessCensus.DefaultProcRoot, p => p.ParentPid == Environment.ProcessId && p.Pid == child.Id ? "app" : null);

        var running = Assert.Single(census.Snapshot());
        child.Kill();
        child.WaitForExit();

        Assert.Equal(child.Id, running.Process.Pid);
        Assert.Equal(Environment.ProcessId, running.Process.ParentPid);
        Assert.Empty(census.Snapshot());
    }

    /// <summary>
    /// A pod's <c>/proc</c> with the process namespace shared, laid out in a directory:
    /// <code>
    /// 1/      pause     cgroup of the sandbox
    /// 7/      tls-proxy cgroup P   (= self)
    /// 9/      tls-proxy wait, the postStart hook: cgroup P
    /// 12/     the app   cgroup A
    /// 13/     the app's exited child (zombie): cgroup A
    /// self -> 7
    /// </code>
    /// </summary>
    [Fact]
    public void OtherContainers_CountsTheAppOnly()
    {
        Write(1, "(pause) S 0", "0::/../sandbox");
        Write(7, "(tls-proxy) S 0", "0::/");
        Write(9, "(tls-proxy) S 0", "0::/");
        Write(12, "(my app (v2)) S 0", "0::/../app");
        Write(13, "(worker) Z 12", "0::/../app");
        File.CreateSymbolicLink(Path.Combine(_root, "self"), "7");

        var census = ProcessCensus.OtherContainers(_root, out var reason);

        Assert.Null(reason);
        var app = Assert.Single(census!.Snapshot());
        Assert.Equal((12, "0::/../app"), (app.Process.Pid, app.Container));
    }

    [Fact]
    public void OtherContainers_IsNull_WhenCgroupsCannotTellContainersApart()
    {
        Write(1, "(pause) S 0", "0::/");
        Write(7, "(tls-proxy) S 0", "0::/");
        File.CreateSymbolicLink(Path.Combine(_root, "self"), "7");

        Assert.Null(ProcessCensus.OtherContainers(_root, out var reason));
        Assert.Contains("pid 1 shares the proxy's cgroup", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42 (sh) S 1 42 42 0", 42, 1, 'S')]
    [InlineData("43 (a) b) (c) R 42 43", 43, 42, 'R')]
    public void Entry_ParsesStat(string stat, int pid, int parent, char state)
        => Assert.Equal(new ProcessEntry(pid, parent, state, "cg"), ProcessEntry.Parse(stat, "cg"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(int pid, string statAfterPid, string cgroup)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        File.WriteAllText(Path.Combine(directory, "stat"), $"{pid} {statAfterPid} 0 0\n");
        File.WriteAllText(Path.Combine(directory, "cgroup"), cgroup + "\n");
    }
}
