using System.Runtime.InteropServices;

namespace Injector.Proxy.Hosting;

/// <summary>Keeps the proxy's memory, environment and files (the TLS key) from the pod's other containers.</summary>
internal static class ProcessHardening
{
    private const int PrSetDumpable = 4;

    /// <summary>
    /// With <c>shareProcessNamespace</c> every container sees the proxy's process, and one running as the same uid
    /// could read the key through <c>/proc/PID/root</c> or its memory through <c>/proc/PID/mem</c>. A process that
    /// is not dumpable is open to those only with CAP_SYS_PTRACE, which Pod Security baseline already forbids.
    /// Returns false when the call failed (or off Linux).
    /// </summary>
    public static bool MakeNotDumpable()
        => OperatingSystem.IsLinux() && Prctl(PrSetDumpable, 0, 0, 0, 0) == 0;

    // DllImport of blittable arguments needs no marshalling code and, unlike LibraryImport, no unsafe blocks.
    [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
