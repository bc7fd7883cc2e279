using System.Net;
using System.Security.Cryptography;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Injector.E2E.Cluster;

/// <summary>
/// One cluster connection per test run. Every namespace a test makes is named <c>tls-e2e-RUNID-PURPOSE</c>
/// and deleted when the run ends (set <c>TLS_INJECTOR_E2E_KEEP=1</c> to keep them for debugging).
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime, IDisposable
{
    private readonly List<string> namespaces = [];
    private K3sCluster? k3s;
    private Kubernetes? client;

    public ClusterFixture()
    {
        RunId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    }

    /// <summary>Six hex digits that make this run's names unique.</summary>
    public string RunId { get; }

    public E2ePki Pki { get; } = new();

    /// <summary>The kubeconfig of the cluster, for tests that run the CLI as a user would.</summary>
    public string KubeconfigPath { get; private set; } = string.Empty;

    public IKubernetes Client => client ?? throw new InvalidOperationException(
        $"No cluster: {ClusterTarget.Current.SkipReason} (tests are not skipped because {ClusterTarget.RequireVariable}=1, or lack [ClusterFact]).");

    /// <summary>The app image of runtime tests: any HTTP server on 8080 as non-root. Override with TLS_INJECTOR_E2E_APP_IMAGE.</summary>
    public static string AppImage => Environment.GetEnvironmentVariable("TLS_INJECTOR_E2E_APP_IMAGE") ?? "nginxinc/nginx-unprivileged:1.27-alpine";

    /// <summary>The client image of runtime tests: curl and sh. Override with TLS_INJECTOR_E2E_CURL_IMAGE.</summary>
    public static string CurlImage => Environment.GetEnvironmentVariable("TLS_INJECTOR_E2E_CURL_IMAGE") ?? "curlimages/curl:8.11.1";

    public async Task InitializeAsync()
    {
        var target = ClusterTarget.Current;
        if (target.SkipReason is not null)
        {
            // Skipped tests never touch Client; with TLS_INJECTOR_E2E_REQUIRE=1 they run, and fail here with the reason.
            return;
        }

        string kubeconfig;
        if (target.UseK3s)
        {
            k3s = await K3sCluster.StartAsync(CancellationToken.None);
            kubeconfig = k3s.KubeconfigPath;
        }
        else
        {
            kubeconfig = target.KubeconfigPath ?? throw new InvalidOperationException("The cluster target has neither K3s nor a kubeconfig.");
        }

        KubeconfigPath = kubeconfig;
        client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
    }

    /// <summary>Creates a namespace for this run; <paramref name="injection"/> is the <c>tls-injector.io/injection</c> label, if any.</summary>
    public async Task<string> CreateNamespaceAsync(string purpose, string? injection, IDictionary<string, string>? annotations = null)
    {
        var name = $"tls-e2e-{RunId}-{purpose}";
        var labels = new Dictionary<string, string> { ["tls-injector.io/e2e-run"] = RunId };
        if (injection is not null)
        {
            labels["tls-injector.io/injection"] = injection;
        }

        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels, Annotations = annotations },
        });
        lock (namespaces)
        {
            namespaces.Add(name);
        }

        // The ServiceAccount controller creates "default" a moment after the namespace; pods need it.
        await Wait.UntilAsync(
            async () => (await Client.CoreV1.ListNamespacedServiceAccountAsync(name, fieldSelector: "metadata.name=default")).Items.Count == 1,
            TimeSpan.FromSeconds(30),
            $"ServiceAccount default in {name}");
        return name;
    }

    public async Task DisposeAsync()
    {
        if (client is not null && Environment.GetEnvironmentVariable("TLS_INJECTOR_E2E_KEEP") != "1")
        {
            foreach (var ns in namespaces)
            {
                try
                {
                    await client.CoreV1.DeleteNamespaceAsync(ns, propagationPolicy: "Background");
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    // Already gone: nothing to clean.
                }
            }
        }

        Dispose();
        if (k3s is not null)
        {
            await k3s.DisposeAsync();
            k3s = null;
        }
    }

    public void Dispose()
    {
        client?.Dispose();
        client = null;
        Pki.Dispose();
    }
}

/// <summary>Cluster tests share one fixture and run one at a time: they share the API server and its webhook.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterSuite : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
