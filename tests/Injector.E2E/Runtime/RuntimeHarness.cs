using Injector.E2E.Cluster;
using k8s;
using k8s.Models;
using static Injector.E2E.Cluster.Workloads;

namespace Injector.E2E.Runtime;

/// <summary>Deploys injected apps and runs curl inside the cluster against them, as a Job whose log is the result.</summary>
internal sealed class RuntimeHarness(ClusterFixture cluster, string ns)
{
    public const string ServerSecret = "e2e-server";
    public const string ServerCaSecret = "e2e-server-ca";
    public const string ClientCaSecret = "e2e-client-ca";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    public string Namespace => ns;

    /// <summary>A namespace opted in, with the server certificate of Service <c>web</c>, its CA, and the client certificates.</summary>
    public static async Task<RuntimeHarness> CreateAsync(ClusterFixture cluster, string purpose)
    {
        var ns = await cluster.CreateNamespaceAsync(purpose, "enabled");
        var pki = cluster.Pki;
        using var server = pki.IssueServer("web", ns, "web");
        var secrets = new[]
        {
            E2ePki.TlsSecret(ServerSecret, server, pki.ServerCa),
            E2ePki.CaSecret(ServerCaSecret, pki.ServerCa),
            E2ePki.CaSecret(ClientCaSecret, pki.ClientCa),
            E2ePki.TlsSecret("e2e-good-client", pki.GoodClientCertificate, pki.ClientCa),
            E2ePki.TlsSecret("e2e-unlisted-client", pki.UnlistedClientCertificate, pki.ClientCa),
            E2ePki.TlsSecret("e2e-foreign-client", pki.ForeignClientCertificate, pki.ForeignCa),
        };
        foreach (var secret in secrets)
        {
            await cluster.Client.CoreV1.CreateNamespacedSecretAsync(secret, ns);
        }

        return new RuntimeHarness(cluster, ns);
    }

    /// <summary>
    /// Creates Deployment and Service <paramref name="name"/> and waits until its pod is Ready; returns the pod.
    /// <paramref name="app"/> may change the app container (another image, a command).
    /// </summary>
    public async Task<V1Pod> DeployAsync(string name, Dictionary<string, string> annotations, bool probes = true, Action<V1Container>? app = null)
    {
        annotations.TryAdd(Prefix + "secret", ServerSecret);
        var template = AppTemplate(name, annotations, probes: probes);
        app?.Invoke(template.Spec.Containers[0]);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(name, template), ns);
        await cluster.Client.CoreV1.CreateNamespacedServiceAsync(Service(name, name), ns);
        V1Pod? ready = null;
        await Wait.UntilAsync(
            async () =>
            {
                var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"app={name}");
                ready = pods.Items.FirstOrDefault(IsReady);
                return ready is not null;
            },
            ReadyTimeout,
            $"a Ready pod of Deployment {name} in {ns} (kubectl -n {ns} describe pod -l app={name})",
            TimeSpan.FromSeconds(2));
        return ready!;
    }

    /// <summary>
    /// Runs <paramref name="script"/> with <c>sh</c> in the curl image, with each Secret of <paramref name="mounts"/> at
    /// <c>/certs/NAME/</c> and <c>$NS</c> set; returns whether it exited 0, and its log.
    /// </summary>
    public async Task<(bool Succeeded, string Log)> RunCurlAsync(string name, string script, params string[] mounts)
    {
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                ActiveDeadlineSeconds = 240,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { [Prefix + "inject"] = "false", ["e2e-client"] = name } },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "curl",
                                Image = ClusterFixture.CurlImage,
                                Command = ["sh", "-c", script],
                                Env = [new V1EnvVar { Name = "NS", Value = ns }],
                                VolumeMounts = mounts.Select(m => new V1VolumeMount { Name = m, MountPath = $"/certs/{m}", ReadOnlyProperty = true }).ToList(),
                            },
                        ],
                        Volumes = mounts.Select(m => new V1Volume { Name = m, Secret = new V1SecretVolumeSource { SecretName = m } }).ToList(),
                    },
                },
            },
        };
        var finished = await Wait.JobFinishedAsync(cluster.Client, job, ns, TimeSpan.FromMinutes(5), $"Job {name} in {ns}");

        var pod = (await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"e2e-client={name}")).Items.Single();
        using var stream = await cluster.Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, ns);
        using var reader = new StreamReader(stream);
        return (finished.Status.Succeeded > 0, await reader.ReadToEndAsync());
    }

    /// <summary>The value printed as <c>KEY=VALUE</c> on its own line by a curl script.</summary>
    public static string Result(string log, string key) =>
        log.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..]
        ?? throw new InvalidOperationException($"The curl log has no {key}= line:\n{log}");

    /// <summary>The log of container <paramref name="container"/> of pod <paramref name="pod"/>.</summary>
    public async Task<string> ReadLogAsync(string pod, string container)
    {
        using var stream = await cluster.Client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public async Task<V1Pod> ReadPodAsync(string name) => await cluster.Client.CoreV1.ReadNamespacedPodAsync(name, ns);
}
