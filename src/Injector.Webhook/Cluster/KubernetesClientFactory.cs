using System.Runtime.CompilerServices;
using Injector.Webhook.Configuration;
using k8s;
using k8s.Exceptions;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Builds the API client: from <see cref="WebhookOptions.KubeConfig"/> when set, else the client's default chain
/// (<c>KUBECONFIG</c>, then <c>~/.kube/config</c>, then the pod's service account), so out-of-cluster runs such as
/// <c>hack/run-local.sh</c> follow the same <c>KUBECONFIG</c> as kubectl does.
/// </summary>
internal static class KubernetesClientFactory
{
    public static KubernetesApiClient Create(WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            KubernetesClientConfiguration config;
            if (!string.IsNullOrWhiteSpace(options.KubeConfig))
            {
                config = FromFile(options.KubeConfig);
            }
            else if (DefaultKubeConfigLocation() is { } location)
            {
                // KubernetesClient's default chain with JIT (it also merges a KUBECONFIG list); one file under NativeAOT.
                config = RuntimeFeature.IsDynamicCodeSupported ? KubernetesClientConfiguration.BuildDefaultConfig() : FromFile(SinglePath(location));
            }
            else if (KubernetesClientConfiguration.IsInCluster())
            {
                config = KubernetesClientConfiguration.BuildDefaultConfig();
            }
            else
            {
                // BuildDefaultConfig would fall back to http://localhost:8080 here and fail at the first request,
                // far from the cause.
                throw new KubeConfigException("no KUBECONFIG, no ~/.kube/config and not running in a pod.");
            }

            return new KubernetesApiClient(config);
        }
        catch (Exception ex) when (ex is KubeConfigException or FileNotFoundException or IOException)
        {
            throw new InvalidOperationException(
                $"Cannot build a Kubernetes API client: {ex.Message} Hint: run in a pod with a service account, set KUBECONFIG, or set Webhook:KubeConfig to a kubeconfig file.", ex);
        }
    }

    /// <summary>
    /// KubernetesClient's own loader with JIT; under NativeAOT (no dynamic code) <see cref="KubeConfigReader"/>,
    /// because every loader in KubernetesClient goes through <c>KubernetesYaml</c>, which NativeAOT cannot run.
    /// </summary>
    private static KubernetesClientConfiguration FromFile(string path)
        => RuntimeFeature.IsDynamicCodeSupported
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
            : KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeConfigReader.Read(path));

    /// <summary>Merging several kubeconfig files is KubernetesClient's (internal) code, which the NativeAOT build cannot call.</summary>
    private static string SinglePath(string variable)
        => variable.Split(':', StringSplitOptions.RemoveEmptyEntries) is [var one]
            ? one.Trim('"')
            : throw new KubeConfigException($"KUBECONFIG lists several files ({variable}); the NativeAOT build reads one.");

    /// <summary><c>KUBECONFIG</c> when set, else <c>~/.kube/config</c> when it exists: what BuildDefaultConfig reads before the service account.</summary>
    private static string? DefaultKubeConfigLocation()
        => Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } variable ? variable
            : File.Exists(DefaultKubeConfigPath) ? DefaultKubeConfigPath
            : null;

    private static string DefaultKubeConfigPath
        => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
}
