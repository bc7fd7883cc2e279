using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Testing;
using Injector.Testing.Kube;
using Injector.Webhook.Cluster;
using Injector.Webhook.Tests.Admission;
using Injector.Webhook.Tests.Support;
using Microsoft.Extensions.Options;
using k8s;
using k8s.Models;
using TestPki = Injector.Testing.TestPki;

namespace Injector.Webhook.Tests.Cluster;

/// <summary>
/// <c>SidecarMode=Auto</c> decided by a dry-run pod against the fake API server of 1.28 (where native sidecars need the
/// SidecarContainers gate) and 1.19, end to end: the real webhook starts, probes, and answers the recorded pod CREATE.
/// </summary>
[Collection(ScrapeAloneTests.Collection)]
public sealed class NativeSidecarProbeTests
{
    private const string WebhookNamespace = "tls-injector";
    private const string PodsPath = "/api/v1/namespaces/" + WebhookNamespace + "/pods";

    /// <summary>1.28 runs native sidecars only with the gate on; 1.19 does not know the field, as the fake's default does.</summary>
    [Theory]
    [InlineData("v1.28", true, "native")]
    [InlineData("v1.28", false, "classic")]
    [InlineData("v1.19", false, "classic")]
    public async Task Auto_FollowsTheProbe(string version, bool gate, string expected)
    {
        await using var api = await StartApiAsync(version);
        api.SidecarContainersGate = gate;
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["POD_NAMESPACE"] = WebhookNamespace });

        Assert.Equal(expected == "native", await MutateRecordedPodAsync(host, version));
        var decided = Decision(host);
        Assert.Equal(expected, CollectingSink.Property(decided, "SidecarKind"));
        Assert.Equal("probe", CollectingSink.Property(decided, "DecidedBy"));
        Assert.Equal(gate ? 1 : 0, await host.MetricAsync("tls_injector_webhook_native_sidecars{decided_by=\"probe\"}"));

        // A dry run: one POST with dryRun=All to the webhook's own namespace, and nothing stored.
        var probe = Assert.Single(api.Requests, r => r.Method == "POST" && r.Path == PodsPath);
        Assert.Contains("dryRun=All", probe.Query, StringComparison.Ordinal);
        using var client = api.CreateClient();
        Assert.Empty((await client.CoreV1.ListNamespacedPodAsync(WebhookNamespace)).Items);
    }

    [Fact]
    public async Task Auto_FallsBackToTheVersion_AndLogsWhy_WhenTheProbeIsForbidden()
    {
        await using var api = await StartApiAsync();
        api.SidecarContainersGate = true;
        api.CreateForbidden = ResourceType.Pods;
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["POD_NAMESPACE"] = WebhookNamespace });

        // The gate is on, but nobody could see it: 1.28 is below the version rule's 1.29.
        Assert.False(await MutateRecordedPodAsync(host));
        var failed = Assert.Single(host.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Cannot probe the API server for native sidecars", StringComparison.Ordinal));
        Assert.Equal(Serilog.Events.LogEventLevel.Warning, failed.Level);
        var reason = CollectingSink.Property(failed, "Reason");
        Assert.Contains("403 Forbidden", reason, StringComparison.Ordinal);
        Assert.Contains("cannot create resource \"pods\"", reason, StringComparison.Ordinal);
        Assert.Contains("Hint: apply the Role and RoleBinding tls-injector-sidecar-probe", reason, StringComparison.Ordinal);
        Assert.Equal("version", CollectingSink.Property(Decision(host), "DecidedBy"));
        Assert.Equal(0, await host.MetricAsync("tls_injector_webhook_native_sidecars{decided_by=\"version\"}"));
    }

    [Fact]
    public async Task Auto_FallsBackToTheVersion_WithoutANamespace()
    {
        await using var api = await StartApiAsync();
        api.SidecarContainersGate = true;
        await using var host = await WebhookHost.StartAsync(api);

        Assert.False(await MutateRecordedPodAsync(host));
        Assert.Contains("POD_NAMESPACE", CollectingSink.Property(Decision(host), "Reason"), StringComparison.Ordinal);
        Assert.DoesNotContain(api.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task ExplicitMode_DoesNotProbe()
    {
        await using var api = await StartApiAsync();
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?>
        {
            ["POD_NAMESPACE"] = WebhookNamespace,
            ["Injector:SidecarMode"] = nameof(SidecarMode.Native),
        });

        Assert.True(await MutateRecordedPodAsync(host));
        Assert.Equal("configuration", CollectingSink.Property(Decision(host), "DecidedBy"));
        Assert.DoesNotContain(api.Requests, r => r.Method == "POST");
    }

    /// <summary>The fake answers 403 as RBAC does; the probe reports it as a reason, not an exception.</summary>
    [Fact]
    public async Task Probe_ReportsEachWayItCannotTell()
    {
        await using var api = await StartApiAsync();
        using var client = api.CreateClient();
        var options = Options.Create(new InjectorOptions());

        api.CreateForbidden = ResourceType.Pods;
        var forbidden = await new NativeSidecarProbe(client, options, WebhookNamespace).RunAsync(CancellationToken.None);
        Assert.Null(forbidden.Supported);
        Assert.StartsWith("403 Forbidden creating a dry-run pod in namespace tls-injector: pods is forbidden", forbidden.Reason, StringComparison.Ordinal);

        api.CreateForbidden = null;
        api.FailureStatusCode = 503;
        var down = await new NativeSidecarProbe(client, options, WebhookNamespace).RunAsync(CancellationToken.None);
        Assert.Null(down.Supported);
        Assert.StartsWith("503 ServiceUnavailable", down.Reason, StringComparison.Ordinal);

        api.FailureStatusCode = null;
        Assert.False((await new NativeSidecarProbe(client, options, WebhookNamespace).RunAsync(CancellationToken.None)).Supported);
        api.SidecarContainersGate = true;
        Assert.True((await new NativeSidecarProbe(client, options, WebhookNamespace).RunAsync(CancellationToken.None)).Supported);
    }

    /// <summary>
    /// What Pod Security <c>restricted</c> checks, on every container, and the opt-out label that keeps both of our
    /// mutating webhooks away from it whatever its namespace is labelled.
    /// </summary>
    [Fact]
    public void ProbePod_IsRestricted_AndOptedOut()
    {
        var pod = NativeSidecarProbe.Pod(new InjectorOptions { ProxyImage = "registry.example/tls-proxy:1", ProxyUid = 1234 });

        Assert.Equal(ContractNames.False, pod.Metadata.Labels[ContractNames.PodInjectLabel]);
        Assert.DoesNotContain(pod.Metadata.Labels.Keys, k => k.StartsWith(ContractNames.Prefix, StringComparison.Ordinal) && k != ContractNames.PodInjectLabel);
        Assert.Null(pod.Metadata.Annotations);
        Assert.False(pod.Spec.AutomountServiceAccountToken);
        Assert.Null(pod.Spec.Volumes);
        Assert.Null(pod.Spec.HostNetwork);
        Assert.True(pod.Spec.SecurityContext.RunAsNonRoot);
        Assert.Equal(1234, pod.Spec.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.Spec.SecurityContext.SeccompProfile.Type);
        var sidecar = Assert.Single(pod.Spec.InitContainers);
        Assert.Equal("Always", sidecar.RestartPolicy);
        foreach (var container in pod.Spec.InitContainers.Concat(pod.Spec.Containers))
        {
            Assert.Equal("registry.example/tls-proxy:1", container.Image);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            Assert.Null(container.SecurityContext.Capabilities.Add);
            Assert.Null(container.SecurityContext.Privileged);
            Assert.Null(container.Ports);
        }
    }

    private static async Task<FakeKubeApiServer> StartApiAsync(string version = "v1.28")
    {
        var api = await FakeKubeApiServer.StartAsync(new FakeKubeApiOptions { Version = version });
        api.LoadFixtures();
        var ns = "capture-" + version.Replace("v1.", "1", StringComparison.Ordinal);
        using var pki = new TestPki();
        using var leaf = pki.IssueServer("web", $"web.{ns}.svc");
        api.Put(ResourceType.Secrets, RoundTripFixture.SecretJson(ns, "web-tls",
            Injector.Tls.Certificates.CertificateGenerator.ToCertificatePem(leaf), Injector.Tls.Certificates.CertificateGenerator.ToPrivateKeyPem(leaf)));
        return api;
    }

    /// <summary>POSTs the recorded pod CREATE of <paramref name="version"/> and answers whether tls-proxy came as a native sidecar.</summary>
    private static async Task<bool> MutateRecordedPodAsync(WebhookHost host, string version = "v1.28")
    {
        var review = AdmissionFixtures.Review(version, "01-v1-Pod-CREATE.json");
        using var response = await host.PostAsync("/mutate", review.ToJsonString());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.True(answer.Allowed, answer.Message);
        var patched = JsonPatchApplier.Apply(review["request"]!["object"]!, Assert.IsType<System.Text.Json.Nodes.JsonArray>(answer.Patch));
        var pod = KubernetesJson.Deserialize<V1Pod>(patched.ToJsonString());
        var native = pod.Spec.InitContainers?.SingleOrDefault(c => c.Name == ContractNames.ProxyContainerName);
        var classic = pod.Spec.Containers.SingleOrDefault(c => c.Name == ContractNames.ProxyContainerName);
        Assert.True(native is null != (classic is null), "tls-proxy must be exactly one of an init container and a container");
        Assert.Equal(native is null ? null : "Always", native?.RestartPolicy);
        return native is not null;
    }

    private static Serilog.Events.LogEvent Decision(WebhookHost host)
        => Assert.Single(host.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Sidecars are {SidecarKind}", StringComparison.Ordinal));
}
