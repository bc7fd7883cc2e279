using k8s;
using k8s.Exceptions;

namespace Injector.Cli.Lookups;

/// <summary>The client configuration of <c>--kubeconfig</c> and <c>--context</c>, found as kubectl finds it.</summary>
internal static class KubeconfigLoader
{
    /// <summary>
    /// <paramref name="path"/>, else the files of KUBECONFIG (merged), else ~/.kube/config, else in-cluster; in
    /// <paramref name="context"/> or the file's current-context. Throws KubeConfigException or IOException.
    /// </summary>
    public static KubernetesClientConfiguration Load(string? path, string? context)
    {
        if (path is not null)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);
        }

        if (context is null)
        {
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }

        // BuildDefaultConfig takes no context, so search as it does; the client merges no files publicly, so a
        // KUBECONFIG list is read from its first existing file.
        var file = (Environment.GetEnvironmentVariable("KUBECONFIG") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(File.Exists);
        return KubernetesClientConfiguration.BuildConfigFromConfigFile(file ?? KubernetesClientConfiguration.KubeConfigDefaultLocation, context);
    }

    /// <summary>
    /// <see cref="Load"/>, or null after one line on <paramref name="stderr"/> naming the fix when the kubeconfig
    /// cannot be loaded (every command then exits with its bad-input code).
    /// </summary>
    public static KubernetesClientConfiguration? LoadOrReport(string? path, string? context, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            return Load(path, context);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException)
        {
            stderr.WriteLine($"error: {Describe(ex, path, context)}");
            return null;
        }
    }

    /// <summary>One line naming the fix, for a kubeconfig that cannot be loaded.</summary>
    private static string Describe(Exception ex, string? path, string? context)
        => $"cannot load the kubeconfig{(path is null ? string.Empty : $" {path}")}{(context is null ? string.Empty : $" (context {context})")}: {ex.Message}. Fix: pass --kubeconfig and --context, or set KUBECONFIG.";
}
