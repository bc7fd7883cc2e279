using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;

namespace Injector.E2E.Cluster;

/// <summary>
/// Which cluster the suite runs against, decided once per test run:
/// <list type="number">
/// <item><c>TLS_INJECTOR_E2E_K3S=1</c> and a Docker engine: a Testcontainers K3s cluster with tls-injector installed by the fixture;</item>
/// <item>else <c>TLS_INJECTOR_E2E_KUBECONFIG</c>, else <c>KUBECONFIG</c>: that cluster, which must already run tls-injector
/// (<c>make e2e-kind</c>, <c>kubectl apply -f dist/install.yaml</c> or <c>hack/run-local.sh</c>);</item>
/// <item>else none, and every cluster test is skipped with <see cref="SkipReason"/>.</item>
/// </list>
/// The default <c>~/.kube/config</c> is deliberately not used, so a plain <c>dotnet test</c> never touches a cluster by accident.
/// </summary>
internal sealed record ClusterTarget
{
    public const string KubeconfigVariable = "TLS_INJECTOR_E2E_KUBECONFIG";
    public const string K3sVariable = "TLS_INJECTOR_E2E_K3S";

    /// <summary>Set to 1 (hack/kind-e2e.sh does) to make a missing cluster fail the run instead of skipping it.</summary>
    public const string RequireVariable = "TLS_INJECTOR_E2E_REQUIRE";

    private static readonly Lazy<ClusterTarget> CurrentValue = new(() =>
    {
        var target = Resolve();
        return Environment.GetEnvironmentVariable(RequireVariable) == "1" ? target with { Required = true } : target;
    });

    public static ClusterTarget Current => CurrentValue.Value;

    /// <summary>Kubeconfig file of an existing cluster; null with K3s or when skipped.</summary>
    public string? KubeconfigPath { get; init; }

    public bool UseK3s { get; init; }

    /// <summary>Why cluster tests cannot run; null when they can.</summary>
    public string? SkipReason { get; init; }

    /// <summary>Why runtime tests (which need a Ready node) cannot run; null when they can.</summary>
    public string? RuntimeSkipReason { get; init; }

    /// <summary>True when a skip must fail instead (<see cref="RequireVariable"/>): the tests run and report the reason as their failure.</summary>
    public bool Required { get; init; }

    /// <summary>The API server's minor version (e.g. 31), or 0 when unknown.</summary>
    public int ServerMinorVersion { get; init; }

    private static ClusterTarget Resolve()
    {
        if (Environment.GetEnvironmentVariable(K3sVariable) == "1")
        {
            return DockerIsAvailable()
                ? new ClusterTarget { UseK3s = true, ServerMinorVersion = K3sCluster.MinorVersion }
                : Skipped($"{K3sVariable}=1 but no Docker engine answers (no /var/run/docker.sock and no DOCKER_HOST).");
        }

        var path = Environment.GetEnvironmentVariable(KubeconfigVariable);
        if (string.IsNullOrEmpty(path))
        {
            path = Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        }

        if (string.IsNullOrEmpty(path))
        {
            return Skipped($"No cluster: set KUBECONFIG or {KubeconfigVariable} (make e2e), or {K3sVariable}=1 with Docker.");
        }

        if (!File.Exists(path))
        {
            return Skipped($"The kubeconfig {path} does not exist.");
        }

        try
        {
            // Attribute constructors are synchronous; this runs once per test run, bounded by the timeout below.
            return Task.Run(() => ProbeAsync(path)).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is TimeoutException or HttpRequestException or KubeConfigException or IOException or OperationCanceledException)
        {
            return Skipped($"The cluster of {path} does not answer: {ex.GetType().Name}: {FirstLine(ex.Message)}");
        }
    }

    private static async Task<ClusterTarget> ProbeAsync(string path)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        config.HttpClientTimeout = TimeSpan.FromSeconds(10);
        using var client = new Kubernetes(config);
        var version = await client.Version.GetCodeAsync();
        try
        {
            await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync("tls-injector");
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return Skipped($"tls-injector is not installed in the cluster of {path} (no MutatingWebhookConfiguration tls-injector): "
                + "run make e2e-kind, kubectl apply -f dist/install.yaml, or hack/run-local.sh first.");
        }

        var nodes = await client.CoreV1.ListNodeAsync();
        var ready = nodes.Items.Any(n => n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
        return new ClusterTarget
        {
            KubeconfigPath = path,
            ServerMinorVersion = ParseMinor(version.Minor),
            RuntimeSkipReason = ready ? null : $"No node of the cluster of {path} is Ready; runtime checks need one (admission checks still run).",
        };
    }

    private static ClusterTarget Skipped(string reason) => new() { SkipReason = reason, RuntimeSkipReason = reason };

    private static bool DockerIsAvailable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    /// <summary>"31", or "31+" as GKE and EKS report it.</summary>
    private static int ParseMinor(string? minor) =>
        int.TryParse(new string((minor ?? string.Empty).TakeWhile(char.IsAsciiDigit).ToArray()), out var value) ? value : 0;

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
