using Injector.E2E.Support;
using Testcontainers.K3s;

namespace Injector.E2E.Cluster;

/// <summary>
/// A throwaway K3s cluster in Docker with tls-injector installed from <c>manifests/overlays/self-signed</c>.
/// The images <c>tls-injector/webhook:dev</c> and <c>tls-injector/tls-proxy:dev</c> must exist in the local
/// Docker engine (<c>make images IMG_TAG=dev</c>); they are imported into K3s's containerd, so nothing is pulled for them.
/// </summary>
internal sealed class K3sCluster : IAsyncDisposable
{
    /// <summary>Override with <c>TLS_INJECTOR_E2E_K3S_IMAGE</c>. 1.31: native sidecars are on by default.</summary>
    public const string DefaultImage = "rancher/k3s:v1.31.4-k3s1";

    public const int MinorVersion = 31;

    private static readonly string[] InjectorImages = ["tls-injector/webhook:dev", "tls-injector/tls-proxy:dev"];

    private readonly K3sContainer container;
    private readonly string directory = Directory.CreateTempSubdirectory("tls-injector-k3s-").FullName;

    private K3sCluster(K3sContainer container)
    {
        this.container = container;
    }

    public string KubeconfigPath => Path.Combine(directory, "kubeconfig");

    public static async Task<K3sCluster> StartAsync(CancellationToken cancellationToken)
    {
        var image = Environment.GetEnvironmentVariable("TLS_INJECTOR_E2E_K3S_IMAGE") ?? DefaultImage;
        var cluster = new K3sCluster(new K3sBuilder(image).Build());
        try
        {
            await cluster.container.StartAsync(cancellationToken);
            await File.WriteAllTextAsync(cluster.KubeconfigPath, await cluster.container.GetKubeconfigAsync(), cancellationToken);
            foreach (var injectorImage in InjectorImages)
            {
                await cluster.ImportImageAsync(injectorImage, cancellationToken);
            }

            await cluster.InstallAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await container.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private async Task ImportImageAsync(string image, CancellationToken cancellationToken)
    {
        var docker = ExternalTool.Find("docker") ?? throw new InvalidOperationException("The docker CLI is needed to export images into K3s.");
        var tar = Path.Combine(directory, image.Replace('/', '_').Replace(':', '_') + ".tar");
        var save = await ExternalTool.RunAsync(docker, ["save", "-o", tar, image], TimeSpan.FromMinutes(3), cancellationToken: cancellationToken);
        if (save.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker save {image} failed (run make images first): {save.StandardError}");
        }

        var target = "/tmp/" + Path.GetFileName(tar);
        await container.CopyAsync(new FileInfo(tar), "/tmp/", ct: cancellationToken);
        var import = await container.ExecAsync(["ctr", "-n", "k8s.io", "images", "import", target], cancellationToken);
        if (import.ExitCode != 0)
        {
            throw new InvalidOperationException($"Importing {image} into K3s failed: {import.Stderr}");
        }
    }

    private async Task InstallAsync(CancellationToken cancellationToken)
    {
        var kubectl = ExternalTool.Find("kubectl") ?? throw new InvalidOperationException("kubectl is needed to install tls-injector into K3s.");
        var overlay = ManifestPaths.Of("overlays/self-signed");
        await RunAsync(kubectl, ["apply", "--kubeconfig", KubeconfigPath, "-k", overlay], cancellationToken);
        await RunAsync(kubectl, ["rollout", "status", "--kubeconfig", KubeconfigPath, "-n", "tls-injector", "deployment/tls-injector-webhook", "--timeout=180s"], cancellationToken);
    }

    private static async Task RunAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var result = await ExternalTool.RunAsync(tool, arguments, TimeSpan.FromMinutes(4), cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed:\n{result.StandardOutput}\n{result.StandardError}");
        }
    }
}
