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
    public static IKubernetes Create(WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            KubernetesClientConfiguration config;
            if (!string.IsNullOrWhiteSpace(options.KubeConfig))
            {
                config = KubernetesClientConfiguration.BuildConfigFromConfigFile(options.KubeConfig);
            }
            else if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 }
                || File.Exists(DefaultKubeConfigPath)
                || KubernetesClientConfiguration.IsInCluster())
            {
                config = KubernetesClientConfiguration.BuildDefaultConfig();
            }
            else
            {
                // BuildDefaultConfig would fall back to http://localhost:8080 here and fail at the first request,
                // far from the cause.
                throw new KubeConfigException("no KUBECONFIG, no ~/.kube/config and not running in a pod.");
            }

            return new Kubernetes(config);
        }
        catch (Exception ex) when (ex is KubeConfigException or FileNotFoundException or IOException)
        {
            throw new InvalidOperationException(
                $"Cannot build a Kubernetes API client: {ex.Message} Hint: run in a pod with a service account, set KUBECONFIG, or set Webhook:KubeConfig to a kubeconfig file.", ex);
        }
    }

    private static string DefaultKubeConfigPath
        => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
}
