using Injector.Core.Audit;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using k8s;
using k8s.Models;

namespace Injector.Core.Tests.Audit;

public sealed class PodAuditorTests
{
    private static readonly InjectorOptions Options = new() { ExcludedNamespaces = ["legacy"] };

    [Fact]
    public void ReportsEscaped_WhenNamespaceOptsIn()
    {
        var finding = PodAuditor.Audit(Pod("web-7d9c-abcde", ownerKind: "ReplicaSet", ownerName: "web-7d9c"), Namespace("shop", injection: "enabled", secret: "web-tls"), Options);

        Assert.NotNull(finding);
        Assert.Equal(AuditProblem.Escaped, finding.Problem);
        Assert.Equal("shop", finding.Namespace);
        Assert.Equal("web-7d9c-abcde", finding.Pod);
        Assert.Equal(new WorkloadRef("ReplicaSet", "web-7d9c"), finding.Owner);
        Assert.Equal("escaped: no tls-proxy, although namespace shop has tls-injector.io/injection=enabled", finding.Reason);
        Assert.Empty(finding.SettingsErrors);
        Assert.Null(finding.InjectedHash);
        Assert.NotNull(finding.CurrentHash);
    }

    [Fact]
    public void ReportsEscaped_WhenPodLabelOptsIn()
    {
        var pod = Pod("api", labels: new() { ["tls-injector.io/inject"] = "true" }, annotations: new() { ["tls-injector.io/secret"] = "api-tls" });

        var finding = PodAuditor.Audit(pod, NamespaceInfo.Empty("shop"), Options);

        Assert.NotNull(finding);
        Assert.Equal(AuditProblem.Escaped, finding.Problem);
        Assert.Contains("pod label tls-injector.io/inject=true", finding.Reason, StringComparison.Ordinal);
        Assert.Null(finding.Owner);
        Assert.False(finding.Restartable);
        Assert.Equal("recreate manually: kubectl delete pod api -n shop, then apply its manifest again", finding.Fix);
    }

    [Theory]
    [InlineData("false", "enabled")]
    [InlineData(null, "disabled")]
    [InlineData("true", "disabled")]
    [InlineData(null, null)]
    public void Ignores_PodsTheContractDoesNotInject(string? podLabel, string? namespaceLabel)
    {
        var labels = podLabel is null ? null : new Dictionary<string, string> { ["tls-injector.io/inject"] = podLabel };
        var pod = Pod("web", labels: labels, annotations: new() { ["tls-injector.io/secret"] = "web-tls" });

        Assert.Null(PodAuditor.Audit(pod, Namespace("shop", namespaceLabel, secret: null), Options));
    }

    [Theory]
    [InlineData("kube-system")]
    [InlineData("kube-public")]
    [InlineData("tls-injector")]
    [InlineData("legacy")]
    public void Ignores_ExcludedNamespaces(string ns)
    {
        var pod = Pod("web", ns: ns, labels: new() { ["tls-injector.io/inject"] = "true" });

        Assert.Null(PodAuditor.Audit(pod, Namespace(ns, "enabled", secret: "web-tls"), Options));
    }

    [Theory]
    [InlineData("Succeeded", false)]
    [InlineData("Failed", false)]
    [InlineData("Running", true)]
    public void Ignores_FinishedPods(string phase, bool reported)
    {
        var pod = Pod("job-x", ownerKind: "Job", ownerName: "nightly");
        pod.Status = new V1PodStatus { Phase = phase };

        Assert.Equal(reported, PodAuditor.Audit(pod, Namespace("shop", "enabled", "web-tls"), Options) is not null);
    }

    [Fact]
    public void Ignores_PodBeingDeleted()
    {
        var pod = Pod("web");
        pod.Metadata.DeletionTimestamp = DateTime.UtcNow;

        Assert.Null(PodAuditor.Audit(pod, Namespace("shop", "enabled", "web-tls"), Options));
    }

    [Fact]
    public void ReportsEscaped_WithSettingsErrors_AndDoesNotOfferRestart()
    {
        var finding = PodAuditor.Audit(Pod("web-1", ownerKind: "Deployment", ownerName: "web"), Namespace("shop", "enabled", secret: null), Options);

        Assert.NotNull(finding);
        Assert.Equal(AuditProblem.Escaped, finding.Problem);
        Assert.Contains("its settings would be rejected (1 error(s))", finding.Reason, StringComparison.Ordinal);
        Assert.Contains(finding.SettingsErrors, e => e.Contains("tls-injector.io/secret is missing", StringComparison.Ordinal));
        Assert.False(finding.Restartable);
        Assert.Equal("fix the setting below, then kubectl rollout restart deployment/web -n shop", finding.Fix);
    }

    // Without a ports annotation the named app port is the default, and its name moves to the sidecar: the audit
    // must still see the settings as unchanged.
    [Theory]
    [InlineData("native", null)]
    [InlineData("classic", null)]
    [InlineData("native", "http:9443")]
    [InlineData("classic", "8080")]
    public void Accepts_FreshlyInjectedPod(string mode, string? ports)
    {
        var ns = Namespace("shop", "enabled", "web-tls");
        var pod = Pod("web", annotations: ports is null ? null : new() { ["tls-injector.io/ports"] = ports });

        var injected = Inject(pod, ns, mode);

        Assert.Null(PodAuditor.Audit(injected, ns, Options));
    }

    [Fact]
    public void ReportsStale_AfterNamespaceDefaultChanged()
    {
        var before = Namespace("shop", "enabled", "web-tls");
        var injected = Inject(Pod("web-7d9c-abcde", ownerKind: "ReplicaSet", ownerName: "web-7d9c"), before, "native");
        var after = before with { Annotations = new Dictionary<string, string>(before.Annotations) { ["tls-injector.io/min-tls-version"] = "1.3" } };

        var finding = PodAuditor.Audit(injected, after, Options);

        Assert.NotNull(finding);
        Assert.Equal(AuditProblem.Stale, finding.Problem);
        var status = InjectionStatus.TryParse(injected.Metadata.Annotations["tls-injector.io/status"]);
        Assert.Equal(status?.SettingsHash, finding.InjectedHash);
        Assert.NotEqual(finding.InjectedHash, finding.CurrentHash);
        Assert.Equal(["min-tls-version: 1.2 -> 1.3"], finding.Changes);
        Assert.Equal("stale: min-tls-version: 1.2 -> 1.3", finding.Reason);
        Assert.Empty(finding.SettingsErrors);
        Assert.Equal("kubectl delete pod web-7d9c-abcde -n shop", finding.Fix);
    }

    [Fact]
    public void ReportsStale_WithEveryChangedSetting()
    {
        var before = Namespace("shop", "enabled", "web-tls");
        var injected = Inject(Pod("web"), before, "classic");
        var after = before with
        {
            Annotations = new Dictionary<string, string>
            {
                ["tls-injector.io/secret"] = "web-tls-v2",
                ["tls-injector.io/ports"] = "8080:9443",
                ["tls-injector.io/mtls"] = "required",
                ["tls-injector.io/client-ca-secret"] = "clients-ca",
                ["tls-injector.io/allowed-clients"] = "uri:spiffe://cluster.local/ns/shop/sa/checkout",
                ["tls-injector.io/plaintext"] = "redirect",
            },
        };

        var finding = PodAuditor.Audit(injected, after, Options);

        Assert.NotNull(finding);
        Assert.Equal(
            [
                "secret: web-tls -> web-tls-v2",
                "ports: 8080:8443 -> 8080:9443",
                "mtls: disabled -> required",
                "client-ca-secret: (none) -> clients-ca",
                "allowed-clients: (none) -> uri:spiffe://cluster.local/ns/shop/sa/checkout",
                "plaintext: reject -> redirect",
            ],
            finding.Changes);
    }

    [Fact]
    public void ReportsStale_WithHashes_WhenSidecarCannotBeReadBack()
    {
        var before = Namespace("shop", "enabled", "web-tls");
        var injected = Inject(Pod("web"), before, "native");
        injected.Spec.InitContainers.Single(c => c.Name == "tls-proxy").Env = null;
        var after = before with { Annotations = new Dictionary<string, string>(before.Annotations) { ["tls-injector.io/plaintext"] = "redirect" } };

        var finding = PodAuditor.Audit(injected, after, Options);

        Assert.NotNull(finding);
        Assert.Equal(AuditProblem.Stale, finding.Problem);
        Assert.Empty(finding.Changes);
        Assert.Equal($"stale: injected with settings {finding.InjectedHash}, annotations and namespace defaults now give {finding.CurrentHash}", finding.Reason);
    }

    [Fact]
    public void ReportsInvalid_WhenSettingsNoLongerResolve()
    {
        var before = Namespace("shop", "enabled", "web-tls");
        var injected = Inject(Pod("db-0", ownerKind: "StatefulSet", ownerName: "db"), before, "native");
        var after = before with { Annotations = new Dictionary<string, string> { ["tls-injector.io/mtls"] = "required" } };

        var finding = PodAuditor.Audit(injected, after, Options);

        Assert.NotNull(finding);
        Assert.Equal(AuditProblem.Invalid, finding.Problem);
        Assert.Null(finding.CurrentHash);
        Assert.Contains(finding.SettingsErrors, e => e.Contains("tls-injector.io/secret is missing", StringComparison.Ordinal));
        Assert.Contains(finding.SettingsErrors, e => e.Contains("tls-injector.io/client-ca-secret is missing", StringComparison.Ordinal));
        Assert.Equal($"invalid: injected with settings {finding.InjectedHash}, which no longer resolve (2 error(s))", finding.Reason);
        Assert.False(finding.Restartable);
        Assert.StartsWith("fix the settings below, then kubectl rollout restart statefulset/db -n shop", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsStale_WithUnchangedProxyConfiguration_WhenOnlyTheHashDiffers()
    {
        var ns = Namespace("shop", "enabled", "web-tls");
        var injected = Inject(Pod("web"), ns, "native");
        var status = InjectionStatus.TryParse(injected.Metadata.Annotations["tls-injector.io/status"])!;
        injected.Metadata.Annotations["tls-injector.io/status"] = (status with { SettingsHash = "sha256:0000000000000000" }).ToJson();

        var finding = PodAuditor.Audit(injected, ns, Options);

        Assert.NotNull(finding);
        Assert.Equal(AuditProblem.Stale, finding.Problem);
        Assert.Empty(finding.Changes);
        Assert.StartsWith("stale: settings hash sha256:0000000000000000 is now ", finding.Reason, StringComparison.Ordinal);
    }

    /// <summary>After an upgrade the configured image moves on, and every pod still running the old sidecar is reported.</summary>
    [Theory]
    [InlineData("native")]
    [InlineData("classic")]
    public void ReportsStale_WhenTheSidecarRunsAnotherImage(string mode)
    {
        var ns = Namespace("shop", "enabled", "web-tls");
        var injected = Inject(Pod("web"), ns, mode);
        var upgraded = Options with { ProxyImage = "registry.example/tls-injector/tls-proxy:9.0.0" };

        var finding = PodAuditor.Audit(injected, ns, upgraded);

        Assert.NotNull(finding);
        Assert.Equal(AuditProblem.Stale, finding.Problem);
        Assert.Equal([$"image: {Options.ProxyImage} -> registry.example/tls-injector/tls-proxy:9.0.0"], finding.Changes);
        Assert.Equal($"stale: image: {Options.ProxyImage} -> registry.example/tls-injector/tls-proxy:9.0.0", finding.Reason);
        Assert.Equal(finding.InjectedHash, finding.CurrentHash);
    }

    [Fact]
    public void ReportsStale_WithTheImage_AmongChangedSettings()
    {
        var before = Namespace("shop", "enabled", "web-tls");
        var injected = Inject(Pod("web"), before, "native");
        var after = before with { Annotations = new Dictionary<string, string>(before.Annotations) { ["tls-injector.io/min-tls-version"] = "1.3" } };

        var finding = PodAuditor.Audit(injected, after, Options with { ProxyImage = "tls-injector/tls-proxy:9.0.0" });

        Assert.NotNull(finding);
        Assert.Equal(["min-tls-version: 1.2 -> 1.3", $"image: {Options.ProxyImage} -> tls-injector/tls-proxy:9.0.0"], finding.Changes);
    }

    [Fact]
    public void Ignores_ContainerNamedTlsProxy_WithoutStatus()
    {
        var pod = Pod("web");
        pod.Spec.Containers.Add(new V1Container { Name = "tls-proxy", Image = "someone/else:1" });

        Assert.Null(PodAuditor.Audit(pod, Namespace("shop", "enabled", "web-tls"), Options));
    }

    [Fact]
    public void AuditsMany_InInputOrder_WithUnknownNamespaceAsUnlabelled()
    {
        var shop = Namespace("shop", "enabled", "web-tls");
        var pods = new[]
        {
            Pod("b", ownerKind: "DaemonSet", ownerName: "agent"),
            Inject(Pod("ok"), shop, "native"),
            Pod("a", ownerKind: "ReplicaSet", ownerName: "web-1"),
            Pod("elsewhere", ns: "unlisted"),
        };

        var findings = PodAuditor.Audit(pods, new Dictionary<string, NamespaceInfo> { ["shop"] = shop }, Options);

        Assert.Equal(["b", "a"], findings.Select(f => f.Pod));
        Assert.Equal("kubectl rollout restart daemonset/agent -n shop", findings[0].Fix);
        Assert.Equal("kubectl delete pod a -n shop", findings[1].Fix);
    }

    [Theory]
    [InlineData("Deployment", "web", true, "kubectl rollout restart deployment/web -n shop")]
    [InlineData("StatefulSet", "db", true, "kubectl rollout restart statefulset/db -n shop")]
    [InlineData("DaemonSet", "agent", true, "kubectl rollout restart daemonset/agent -n shop")]
    [InlineData("ReplicaSet", "web-7d9c", false, "kubectl delete pod p -n shop")]
    [InlineData("Job", "migrate", false, "recreate manually: delete job/migrate -n shop and apply it again")]
    [InlineData("CronJob", "nightly", false, "recreate manually: the next run of cronjob/nightly -n shop is injected")]
    [InlineData("Rollout", "canary", false, "kubectl delete pod p -n shop (if rollout/canary recreates it)")]
    public void Describes_FixPerOwnerKind(string kind, string name, bool restartable, string fix)
    {
        var finding = new AuditFinding { Namespace = "shop", Pod = "p", Problem = AuditProblem.Escaped, Reason = "r", Owner = new WorkloadRef(kind, name) };

        Assert.Equal(restartable, finding.Restartable);
        Assert.Equal(fix, finding.Fix);
    }

    [Fact]
    public void PrefersControllerOwner_OverOtherOwners()
    {
        var metadata = new V1ObjectMeta
        {
            OwnerReferences =
            [
                new V1OwnerReference { Kind = "ConfigMap", Name = "x", ApiVersion = "v1", Uid = "1" },
                new V1OwnerReference { Kind = "ReplicaSet", Name = "web-1", ApiVersion = "apps/v1", Uid = "2", Controller = true },
            ],
        };

        Assert.Equal(new WorkloadRef("ReplicaSet", "web-1"), PodAuditor.ControllerOf(metadata));
    }

    private static V1Pod Inject(V1Pod pod, NamespaceInfo ns, string mode)
    {
        var options = Options with { SidecarMode = mode == "native" ? SidecarMode.Native : SidecarMode.Classic };
        var result = new PodInjector(options).Inject(pod, ns, ClusterInfo.Unknown);
        Assert.Equal(InjectionDecision.Injected, result.Decision);

        // Through JSON, as the API server hands the running pod back.
        return KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(result.Pod));
    }

    private static NamespaceInfo Namespace(string name, string? injection, string? secret)
    {
        var labels = new Dictionary<string, string>();
        if (injection is not null)
        {
            labels["tls-injector.io/injection"] = injection;
        }

        var annotations = new Dictionary<string, string>();
        if (secret is not null)
        {
            annotations["tls-injector.io/secret"] = secret;
        }

        return new NamespaceInfo(name, labels, annotations);
    }

    private static V1Pod Pod(
        string name,
        string ns = "shop",
        Dictionary<string, string>? labels = null,
        Dictionary<string, string>? annotations = null,
        string? ownerKind = null,
        string? ownerName = null)
        => new()
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Labels = labels,
                Annotations = annotations,
                OwnerReferences = ownerKind is null ? null : [new V1OwnerReference { ApiVersion = "apps/v1", Kind = ownerKind, Name = ownerName, Uid = "u", Controller = true }],
            },
            Spec = new V1PodSpec
            {
                Containers =
                [
                    new V1Container { Name = "app", Image = "example/app:1", Ports = [new V1ContainerPort { ContainerPort = 8080, Name = "http" }] },
                ],
            },
            Status = new V1PodStatus { Phase = "Running" },
        };
}
