using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Core.Workloads;
using Injector.E2E.Cluster;
using k8s;
using k8s.Models;
using static Injector.E2E.Cluster.Workloads;

namespace Injector.E2E.Runtime;

/// <summary>Runs an injected Job to its end in a namespace of its own that holds the app's certificate.</summary>
internal sealed class JobHarness(ClusterFixture cluster, string ns)
{
    /// <summary>Overrides the proxy image of classic injection; by default it is the image the installed webhook injects.</summary>
    public const string ProxyImageVariable = "TLS_INJECTOR_E2E_PROXY_IMAGE";

    public static async Task<JobHarness> CreateAsync(ClusterFixture cluster, string purpose)
    {
        var ns = await cluster.CreateNamespaceAsync(purpose, "enabled");
        using var server = cluster.Pki.IssueServer("job", ns, "job");
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(E2ePki.TlsSecret(RuntimeHarness.ServerSecret, server, cluster.Pki.ServerCa), ns);
        return new JobHarness(cluster, ns);
    }

    /// <summary>A Job whose app (sh in the curl image) works 3 s and exits 0; no retry, so one pod tells the result.</summary>
    public V1Job AppJob(string name)
    {
        var template = AppTemplate(name, Annotations(("secret", RuntimeHarness.ServerSecret)));
        template.Spec.RestartPolicy = "Never";
        template.Spec.Containers[0].Image = ClusterFixture.CurlImage;
        template.Spec.Containers[0].Command = ["sh", "-c", "sleep 3; echo done"];
        return new V1Job
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1JobSpec { BackoffLimit = 0, ActiveDeadlineSeconds = 240, Template = template },
        };
    }

    /// <summary>
    /// Injects the Job's template in classic mode with the same Core call the webhook makes on clusters older than
    /// 1.29, so the test runs on any version; the webhook then admits the already injected pods unchanged.
    /// </summary>
    public async Task<V1Job> InjectClassicAsync(V1Job job)
    {
        var (image, pullPolicy) = await ProxyImageAsync();
        var injector = new PodInjector(new InjectorOptions { SidecarMode = SidecarMode.Classic, ProxyImage = image, ProxyImagePullPolicy = pullPolicy });
        var labels = new Dictionary<string, string> { [Prefix + "injection"] = "enabled" };
        var result = injector.InjectTemplate(WorkloadKinds.GetTemplate(job, ns)!, new NamespaceInfo(ns, labels, new Dictionary<string, string>()), ClusterInfo.Unknown);
        Assert.True(result.Decision == InjectionDecision.Injected, $"{result.Decision}: {result.Reason} {string.Join("; ", result.Errors)}");
        return job;
    }

    /// <summary>Creates the Job and waits until it has succeeded or failed; returns it and its pod.</summary>
    public async Task<(V1Job Job, V1Pod Pod)> RunAsync(V1Job job)
    {
        var name = job.Metadata.Name;
        var finished = await Wait.JobFinishedAsync(cluster.Client, job, ns, TimeSpan.FromMinutes(4), $"Job {name} in {ns} to finish (kubectl -n {ns} describe pod -l job-name={name})");

        var pod = (await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"job-name={name}")).Items.Single();
        return (finished, pod);
    }

    /// <summary>The proxy image and pull policy: from <see cref="ProxyImageVariable"/>, else what the webhook injects into a dry-run pod.</summary>
    private async Task<(string Image, string PullPolicy)> ProxyImageAsync()
    {
        if (Environment.GetEnvironmentVariable(ProxyImageVariable) is { Length: > 0 } image)
        {
            return (image, "IfNotPresent");
        }

        var probe = Pod("image-probe", AppTemplate("image-probe", Annotations(("secret", RuntimeHarness.ServerSecret)), injectLabel: "true"));
        var injected = await cluster.Client.CoreV1.CreateNamespacedPodAsync(probe, ns, dryRun: "All");
        var proxy = injected.Spec.Containers.Concat(injected.Spec.InitContainers ?? []).SingleOrDefault(c => c.Name == ProxyContainer)
                    ?? throw new InvalidOperationException($"The webhook did not inject a dry-run pod in {ns}; set {ProxyImageVariable} to the proxy image.");
        return (proxy.Image, proxy.ImagePullPolicy ?? "IfNotPresent");
    }
}
