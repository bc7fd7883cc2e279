using Injector.Core.Contract;
using Injector.Core.Settings;
using k8s.Models;

namespace Injector.Core.Injection;

internal static partial class PodMutator
{
    public const string RestartNever = "Never";
    public const string RestartOnFailure = "OnFailure";

    /// <summary>A pod that ends when its containers do: a Job's. A classic sidecar that never exits keeps it running.</summary>
    public static bool RunsToCompletion(V1PodSpec spec) => spec.RestartPolicy is RestartNever or RestartOnFailure;

    /// <summary>
    /// Null when the classic sidecar of a run-to-completion pod can watch the app's processes; else what in the pod
    /// prevents it, as a user would write it.
    /// </summary>
    public static string? AppExitWatchBlocker(V1PodSpec spec, TlsSettings settings) =>
        !settings.ExitWithApp ? $"{ContractNames.ProxyExit}={ContractNames.Manual}"
        : spec.HostPID == true ? "hostPID: true"
        : spec.ShareProcessNamespace == false ? "shareProcessNamespace: false"
        : null;

    /// <summary>
    /// The proxy sees the app's processes only in a shared process namespace; it is turned on for these pods alone,
    /// since it also shows every container's processes (and argv) to the others. Returns the app containers to wait for.
    /// </summary>
    private static int ShareProcessNamespaceForAppExit(V1PodSpec spec, TlsSettings settings, bool native)
    {
        if (native || !RunsToCompletion(spec) || AppExitWatchBlocker(spec, settings) is not null)
        {
            return 0;
        }

        spec.ShareProcessNamespace = true;
        return spec.Containers.Count;
    }
}
