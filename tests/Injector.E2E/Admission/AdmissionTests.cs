using Injector.E2E.Cluster;
using Injector.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static Injector.E2E.Cluster.Workloads;

namespace Injector.E2E.Admission;

/// <summary>
/// What the API server does with tls-injector registered: who is injected, what the injected pod looks like,
/// and what the validating webhook rejects. Needs only an API server and the webhook (no node runs anything).
/// </summary>
[Collection(ClusterSuite.Name)]
public sealed class AdmissionTests(ClusterFixture cluster)
{
    private const string ServerSecret = "e2e-server";

    /// <summary>Bad references, each with the annotations that make it and the words its rejection must contain.</summary>
    private static readonly Dictionary<string, (Dictionary<string, string> Annotations, string[] Message)> BadReferences = new()
    {
        ["secret-missing"] = (Annotations(("secret", "no-such-secret")), ["tls-injector.io/secret", "no-such-secret"]),
        ["secret-without-key"] = (Annotations(("secret", "e2e-no-key")), ["tls-injector.io/secret", "e2e-no-key"]),
        ["secret-key-mismatch"] = (Annotations(("secret", "e2e-mismatch")), ["tls-injector.io/secret", "e2e-mismatch"]),
        ["secret-other-namespace"] = (Annotations(("secret", "default/e2e-server")), ["tls-injector.io/secret"]),
        ["mtls-without-client-ca"] = (Annotations(("secret", ServerSecret), ("mtls", "required")), ["tls-injector.io/client-ca-secret"]),
        ["client-ca-with-mtls-disabled"] = (Annotations(("secret", ServerSecret), ("client-ca-secret", "e2e-client-ca")), ["tls-injector.io/client-ca-secret"]),
        ["client-ca-missing"] = (Annotations(("secret", ServerSecret), ("mtls", "required"), ("client-ca-secret", "no-such-ca")), ["tls-injector.io/client-ca-secret", "no-such-ca"]),
        ["client-ca-without-ca-crt"] = (Annotations(("secret", ServerSecret), ("mtls", "required"), ("client-ca-secret", "e2e-no-key")), ["tls-injector.io/client-ca-secret", "e2e-no-key"]),
        ["allowed-clients-without-required"] = (Annotations(("secret", ServerSecret), ("mtls", "optional"), ("client-ca-secret", "e2e-client-ca"), ("allowed-clients", "cn:x")), ["tls-injector.io/allowed-clients"]),
        ["mtls-unknown-value"] = (Annotations(("secret", ServerSecret), ("mtls", "sometimes")), ["tls-injector.io/mtls", "sometimes"]),
        ["port-not-declared"] = (Annotations(("secret", ServerSecret), ("ports", "9999")), ["tls-injector.io/ports", "9999"]),
        ["port-out-of-range"] = (Annotations(("secret", ServerSecret), ("ports", "8080:70000")), ["tls-injector.io/ports", "70000"]),
        ["unknown-annotation"] = (Annotations(("secret", ServerSecret), ("mlts", "required")), ["tls-injector.io/mlts"]),
    };

    public static TheoryData<string, string> BadReferenceCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in BadReferences.Keys)
        {
            data.Add(name, "Pod");
            data.Add(name, "Deployment");
        }

        return data;
    }

    [ClusterFact]
    public async Task Injects_WhenNamespaceOptsIn()
    {
        var ns = await NamespaceWithSecretsAsync("ns-enabled", "enabled");

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", AppTemplate("web", Annotations(("secret", ServerSecret)))), ns);

        var proxy = FindProxy(pod.Spec);
        Assert.NotNull(proxy);
        Assert.Equal(1, CountProxies(pod.Spec));
        Assert.True(pod.Metadata.Annotations.ContainsKey(Prefix + "status"), "the injector writes tls-injector.io/status");
        PodSpecInvariants.AssertRestricted(proxy);
        PodSpecInvariants.AssertValid(pod.Spec, "injected pod");
        var certVolume = Assert.Single(pod.Spec.Volumes, v => v.Secret?.SecretName == ServerSecret);
        Assert.True(Assert.Single(proxy.VolumeMounts, m => m.Name == certVolume.Name).ReadOnlyProperty);
        Assert.DoesNotContain(pod.Spec.Containers.Where(c => c.Name != ProxyContainer), c => c.VolumeMounts?.Any(m => m.Name == certVolume.Name) == true);
    }

    [ClusterFact]
    public async Task Injects_WhenPodLabelled()
    {
        var ns = await NamespaceWithSecretsAsync("pod-label", injection: null);

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(
            Pod("web", AppTemplate("web", Annotations(("secret", ServerSecret)), injectLabel: "true")), ns);

        Assert.NotNull(FindProxy(pod.Spec));
    }

    [ClusterFact]
    public async Task DoesNotInject_UnlabelledPod_InUnlabelledNamespace()
    {
        var ns = await NamespaceWithSecretsAsync("no-label", injection: null);

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", AppTemplate("web", Annotations(("secret", ServerSecret)))), ns);

        Assert.Null(FindProxy(pod.Spec));
    }

    [ClusterFact]
    public async Task PodOptOut_WinsOverNamespace()
    {
        var ns = await NamespaceWithSecretsAsync("pod-opt-out", "enabled");

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(
            Pod("web", AppTemplate("web", Annotations(("secret", ServerSecret)), injectLabel: "false")), ns);

        Assert.Null(FindProxy(pod.Spec));
        Assert.False(pod.Metadata.Annotations?.ContainsKey(Prefix + "status") ?? false);
    }

    [ClusterFact]
    public async Task DisabledNamespace_WinsOverPodLabel()
    {
        var ns = await NamespaceWithSecretsAsync("ns-disabled", "disabled");

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(
            Pod("web", AppTemplate("web", Annotations(("secret", ServerSecret)), injectLabel: "true")), ns);

        Assert.Null(FindProxy(pod.Spec));
    }

    [ClusterFact]
    public async Task NamespaceAnnotations_AreDefaults_AndPodWins()
    {
        var ns = await NamespaceWithSecretsAsync("ns-defaults", "enabled", Annotations(("secret", ServerSecret), ("ports", "8080:9443")));

        var inherits = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("inherits", AppTemplate("inherits")), ns);
        var overrides = await cluster.Client.CoreV1.CreateNamespacedPodAsync(
            Pod("overrides", AppTemplate("overrides", Annotations(("ports", "8080:9444")))), ns);

        Assert.Contains(FindProxy(inherits.Spec)?.Ports ?? [], p => p.ContainerPort == 9443);
        Assert.Contains(FindProxy(overrides.Spec)?.Ports ?? [], p => p.ContainerPort == 9444);
        Assert.DoesNotContain(FindProxy(overrides.Spec)?.Ports ?? [], p => p.ContainerPort == 9443);
    }

    [ClusterFact]
    public async Task NamedServicePort_MovesToTheTlsPort()
    {
        var ns = await NamespaceWithSecretsAsync("named-port", "enabled");
        var service = await cluster.Client.CoreV1.CreateNamespacedServiceAsync(Service("web", "web"), ns);

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", AppTemplate("web", Annotations(("secret", ServerSecret)))), ns);

        // The Service's targetPort "http" now resolves to the sidecar's TLS port, not to the app's plaintext 8080.
        Assert.Equal("http", service.Spec.Ports[0].TargetPort.Value);
        var named = Assert.Single(FindProxy(pod.Spec)?.Ports ?? [], p => p.Name == "http");
        Assert.Equal(8443, named.ContainerPort);
        Assert.DoesNotContain(pod.Spec.Containers.Where(c => c.Name != ProxyContainer).SelectMany(c => c.Ports ?? []), p => p.Name == "http");
        PodSpecInvariants.AssertValid(pod.Spec, "injected pod with a named port");
    }

    /// <summary>
    /// A namespace labelled after the webhook's replicas have seen it: the label reaches their caches through the
    /// watch within seconds, not at the next resync (the NativeAOT build once dropped every watch event).
    /// </summary>
    [ClusterFact]
    public async Task Injects_WhenNamespaceOptsIn_AfterTheWebhookSawItUnlabelled()
    {
        var ns = await NamespaceWithSecretsAsync("ns-late", injection: null);
        var template = AppTemplate("web", Annotations(("secret", ServerSecret)));

        // Several admissions, so every replica behind the Service has cached the namespace without the label.
        for (var i = 0; i < 6; i++)
        {
            Assert.Null(FindProxy((await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod($"before-{i}", template), ns, dryRun: "All")).Spec));
        }

        var label = new V1Patch("""{"metadata":{"labels":{"tls-injector.io/injection":"enabled"}}}""", V1Patch.PatchType.MergePatch);
        await cluster.Client.CoreV1.PatchNamespaceAsync(label, ns);
        await Wait.UntilAsync(
            async () => FindProxy((await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("after", template), ns, dryRun: "All")).Spec) is not null,
            TimeSpan.FromSeconds(5), "a pod injected after its namespace opted in", TimeSpan.FromMilliseconds(200));

        // One replica has the label; the others got the same event at the same moment.
        await Task.Delay(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 6; i++)
        {
            Assert.NotNull(FindProxy((await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod($"after-{i}", template), ns, dryRun: "All")).Spec));
        }
    }

    [ClusterFact]
    public async Task DryRun_InjectsButCreatesNothing()
    {
        var ns = await NamespaceWithSecretsAsync("dry-run", "enabled");
        var template = AppTemplate("web", Annotations(("secret", ServerSecret)));

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", template), ns, dryRun: "All");
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", template), ns, dryRun: "All");

        Assert.NotNull(FindProxy(pod.Spec));
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
        Assert.Empty((await cluster.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
    }

    [ClusterTheory]
    [MemberData(nameof(BadReferenceCases))]
    public async Task Rejects_BadReference(string @case, string kind)
    {
        var ns = await NamespaceWithSecretsAsync($"bad-{kind.ToLowerInvariant()[0]}-{@case}", "enabled");
        var (annotations, message) = BadReferences[@case];
        var template = AppTemplate("web", annotations);

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => kind == "Pod"
            ? cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", template), ns)
            : cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", template), ns));

        var body = ex.Response.Content;
        Assert.True((int)ex.Response.StatusCode is >= 400 and < 500, $"expected a rejection, got {ex.Response.StatusCode}: {body}");
        Assert.Contains("denied the request", body, StringComparison.Ordinal);
        foreach (var word in message)
        {
            Assert.Contains(word, body, StringComparison.Ordinal);
        }
    }

    [ClusterFact]
    public async Task ReapplyingAnInjectedPod_ChangesNothing()
    {
        var ns = await NamespaceWithSecretsAsync("idempotent", "enabled");
        var first = await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", AppTemplate("web", Annotations(("secret", ServerSecret)))), ns);

        // Submit the injected pod again (as `kubectl get -o yaml | kubectl create -f -` would): the webhook must add nothing.
        var again = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(first));
        again.Metadata = new V1ObjectMeta { Name = "web-again", Labels = first.Metadata.Labels, Annotations = first.Metadata.Annotations };
        again.Spec.NodeName = null;
        again.Status = null;
        var second = await cluster.Client.CoreV1.CreateNamespacedPodAsync(again, ns, dryRun: "All");

        Assert.Equal(1, CountProxies(second.Spec));
        Assert.Equal(first.Metadata.Annotations[Prefix + "status"], second.Metadata.Annotations[Prefix + "status"]);
        Assert.Equal(KubernetesJson.Serialize(first.Spec), KubernetesJson.Serialize(second.Spec));
    }

    /// <summary>A namespace holding the Secrets the cases reference: a good one and each kind of broken one.</summary>
    private async Task<string> NamespaceWithSecretsAsync(string purpose, string? injection, IDictionary<string, string>? annotations = null)
    {
        var ns = await cluster.CreateNamespaceAsync(purpose, injection, annotations);
        var pki = cluster.Pki;
        using var server = pki.IssueServer("web", ns, "web");
        using var other = pki.IssueServer("web", ns, "other");

        var mismatch = E2ePki.TlsSecret("e2e-mismatch", server, pki.ServerCa);
        mismatch.Data["tls.key"] = E2ePki.TlsSecret("x", other, pki.ServerCa).Data["tls.key"];
        var noKey = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "e2e-no-key" },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = E2ePki.TlsSecret("x", server, pki.ServerCa).Data["tls.crt"] },
        };

        foreach (var secret in new[] { E2ePki.TlsSecret(ServerSecret, server, pki.ServerCa), E2ePki.CaSecret("e2e-client-ca", pki.ClientCa), mismatch, noKey })
        {
            await cluster.Client.CoreV1.CreateNamespacedSecretAsync(secret, ns);
        }

        return ns;
    }
}
