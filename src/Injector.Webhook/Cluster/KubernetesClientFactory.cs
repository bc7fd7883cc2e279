using Injector.Webhook.Configuration;
using k8s;
using k8s.Exceptions;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Builds the API client: from <see cref="WebhookOptions.KubeConfig"/> when set, else the client's default chain
/// (<c>KUBECONFIG</c> naming one file, then <c>~/.kube/config</c>, then the pod's service account), so out-of-cluster
/// runs such as <c>hack/run-local.sh</c> follow the same <c>KUBECONFIG</c> as kubectl does.
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
                config = FromFile(SinglePath(location));
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
    /// Through <see cref="KubeConfigReader"/> in every build, so the tests run the path the image ships: every loader
    /// in KubernetesClient goes through <c>KubernetesYaml</c>, which NativeAOT cannot run.
    /// </summary>
    private static KubernetesClientConfiguration FromFile(string path)
        => KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeConfigReader.Read(path));

    /// <summary>Merging several kubeconfig files is KubernetesClient's (internal) code, which runs only on KubernetesYaml.</summary>
    private static string SinglePath(string variable)
        => variable.Split(':', StringSplitOptions.RemoveEmptyEntries) is [var one]
            ? one.Trim('"')
            : throw new KubeConfigException($"KUBECONFIG lists several files ({variable}); the webhook reads one (set Webhook:KubeConfig to the file to use).");

    /// <summary><c>KUBECONFIG</c> when set, else <c>~/.kube/config</c> when it exists: what BuildDefaultConfig reads before the service account.</summary>
    private static string? DefaultKubeConfigLocation()
        => Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } variable ? variable
            : File.Exists(DefaultKubeConfigPath) ? DefaultKubeConfigPath
            : null;

    private static string DefaultKubeConfigPath
        => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
}
