using Injector.Webhook.Configuration;
using k8s;
using k8s.Exceptions;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Builds the API client: from <see cref="WebhookOptions.KubeConfig"/> when set, in-cluster (the pod's service
/// account) when running in a pod, else the default kubeconfig (<c>KUBECONFIG</c> or <c>~/.kube/config</c>) for
/// out-of-cluster runs such as <c>hack/run-local.sh</c>.
/// </summary>
internal static class KubernetesClientFactory
{
    public static IKubernetes Create(WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var config = !string.IsNullOrWhiteSpace(options.KubeConfig)
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(options.KubeConfig)
                : KubernetesClientConfiguration.IsInCluster()
                    ? KubernetesClientConfiguration.InClusterConfig()
                    : KubernetesClientConfiguration.BuildConfigFromConfigFile();
            return new Kubernetes(config);
        }
        catch (Exception ex) when (ex is KubeConfigException or FileNotFoundException or IOException)
        {
            throw new InvalidOperationException(
                $"Cannot build a Kubernetes API client: {ex.Message} Hint: run in a pod with a service account, set KUBECONFIG, or set Webhook:KubeConfig to a kubeconfig file.", ex);
        }
    }
}
