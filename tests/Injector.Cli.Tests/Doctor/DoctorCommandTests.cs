using System.Net;
using System.Net.Sockets;
using Injector.Cli.Doctor;
using Injector.Cli.Tests.Audit;
using Injector.Cli.Tests.Conventions;
using Injector.Testing;
using Injector.Testing.Kube;
using Xunit.Abstractions;

namespace Injector.Cli.Tests.Doctor;

public sealed class DoctorCommandTests(ITestOutputHelper log)
{
    private static readonly string[] AllChecks =
    [
        DoctorChecks.KubernetesApi, DoctorChecks.WebhookDeployment, DoctorChecks.MutatingWebhookConfiguration, DoctorChecks.ValidatingWebhookConfiguration,
        DoctorChecks.WebhookEndpoints, DoctorChecks.CaBundle, DoctorChecks.ServingCertificateExpiry, DoctorChecks.WebhookRbac,
        DoctorChecks.OptedInNamespaces, DoctorChecks.Pods,
    ];

    [Fact]
    public async Task HealthyInstall_PassesEveryCheck_AndExitsZero()
    {
        await using var cluster = await DoctorCluster.StartAsync();

        var (code, stdout, stderr) = await cluster.RunAsync();
        log.WriteLine(stdout);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(string.Empty, stderr);
        var lines = stdout.Split('\n');
        Assert.Equal("tls-injector doctor: namespace tls-injector", lines[0]);
        Assert.Equal(AllChecks.Select(c => $"✔ {c}:"), lines.Skip(1).Take(AllChecks.Length).Select(l => l[..(l.IndexOf(':', StringComparison.Ordinal) + 1)]));
        Assert.DoesNotContain("fix:", stdout, StringComparison.Ordinal);
        Assert.Contains("✔ 10 check(s): 10 passed, 0 warning(s), 0 failed.", stdout, StringComparison.Ordinal);
        Assert.Contains("Kubernetes v1.28.7: SidecarMode Auto injects classic sidecars", stdout, StringComparison.Ordinal);
        Assert.Contains("2/2 replica(s) ready, version 1.4.0, image tls-injector/webhook:1.4.0", stdout, StringComparison.Ordinal);
        Assert.Contains("tls-injector-webhook has 2 ready endpoint(s)", stdout, StringComparison.Ordinal);
        Assert.Contains($"verifies the certificate served for {DoctorCluster.ServiceDns}", stdout, StringComparison.Ordinal);
        Assert.Contains("1 namespace(s) labelled tls-injector.io/injection=enabled: shop.", stdout, StringComparison.Ordinal);
        Assert.Contains("may do all 13 things the webhook needs", stdout, StringComparison.Ordinal);

        // Doctor only reads, and asks the API server for SubjectAccessReviews, which are never stored.
        Assert.All(cluster.Api.Requests.Where(r => r.Method != "GET"), r => Assert.Equal("/apis/authorization.k8s.io/v1/subjectaccessreviews", r.Path));
    }

    [Fact]
    public async Task PrintsJson_WithEveryCheck()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        cluster.Api.Delete(ResourceType.MutatingWebhookConfigurations, null, "tls-injector");

        var (code, json, _) = await cluster.RunAsync(OutputFormats.Json);

        Assert.Equal(ExitCodes.ChecksFailed, code);
        var report = StrictJson.Deserialize<ReportJson>(json);
        Assert.Equal("tls-injector", report.Namespace);
        Assert.False(report.Healthy);
        Assert.Equal(AllChecks, report.Checks.Select(c => c.Name));
        Assert.All(report.Checks, c => Assert.Contains(c.Status, new[] { "pass", "warn", "fail" }));
        Assert.All(report.Checks, c => Assert.Equal(c.Status == "pass", c.Fix is null));
        Assert.Equal("fail", report.Checks.Single(c => c.Name == DoctorChecks.MutatingWebhookConfiguration).Status);
    }

    [Fact]
    public async Task PrintsYaml_ThatReadsAsTheJson()
    {
        await using var cluster = await DoctorCluster.StartAsync();

        var (_, json, _) = await cluster.RunAsync(OutputFormats.Json);
        var (code, yaml, _) = await cluster.RunAsync(OutputFormats.Yaml);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(json), YamlJson.Parse(yaml)), yaml);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fails_WhenAConfigurationIsMissing(bool mutating)
    {
        await using var cluster = await DoctorCluster.StartAsync();
        cluster.Api.Delete(mutating ? ResourceType.MutatingWebhookConfigurations : ResourceType.ValidatingWebhookConfigurations, null, "tls-injector");

        var (code, stdout, _) = await cluster.RunAsync();
        log.WriteLine(stdout);

        Assert.Equal(ExitCodes.ChecksFailed, code);
        var kind = mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration";
        Assert.Contains($"✘ {(mutating ? DoctorChecks.MutatingWebhookConfiguration : DoctorChecks.ValidatingWebhookConfiguration)}: {kind} tls-injector does not exist", stdout, StringComparison.Ordinal);
        Assert.Contains("    fix: apply the install manifests again", stdout, StringComparison.Ordinal);
        Assert.Contains($"✔ {DoctorChecks.CaBundle}:", stdout, StringComparison.Ordinal);
        Assert.Contains("1 failed.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_WhenACaBundleDoesNotVerifyTheServedCertificate()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        cluster.SetCaBundle(ResourceType.ValidatingWebhookConfigurations, Injector.Tls.Certificates.CertificateGenerator.ToCertificatePem(cluster.Pki.OtherCa));

        var (code, stdout, _) = await cluster.RunAsync();
        log.WriteLine(stdout);

        Assert.Equal(ExitCodes.ChecksFailed, code);
        var line = Assert.Single(stdout.Split('\n'), l => l.StartsWith($"✘ {DoctorChecks.CaBundle}:", StringComparison.Ordinal));
        Assert.Contains("the caBundle of ValidatingWebhookConfiguration webhook validate.tls-injector.io does not verify the certificate served", line, StringComparison.Ordinal);
        Assert.DoesNotContain("MutatingWebhookConfiguration", line, StringComparison.Ordinal);
        Assert.Contains("rollout restart deployment tls-injector-webhook", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_WhenTheCertificateIsNotForTheServiceName()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        using var other = cluster.Pki.Server("other.tls-injector.svc");
        cluster.Serve(other);

        var (code, stdout, _) = await cluster.RunAsync();

        Assert.Equal(ExitCodes.ChecksFailed, code);
        Assert.Contains($"the certificate served is not valid for {DoctorCluster.ServiceDns}, the name the API server calls", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_WhenTheServiceHasNoReadyEndpoints()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        cluster.SetEndpoints(ready: false);

        var (code, stdout, _) = await cluster.RunAsync();
        log.WriteLine(stdout);

        Assert.Equal(ExitCodes.ChecksFailed, code);
        Assert.Contains($"✘ {DoctorChecks.WebhookEndpoints}: Service tls-injector/tls-injector-webhook has no ready endpoints", stdout, StringComparison.Ordinal);
        Assert.Contains("    fix: kubectl -n tls-injector get pods -l app.kubernetes.io/name=tls-injector", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_WhenTheServingCertificateExpired()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        using var expired = cluster.Pki.Server(DoctorCluster.ServiceDns, notAfter: DateTimeOffset.UtcNow.AddDays(-2), notBefore: DateTimeOffset.UtcNow.AddDays(-92));
        cluster.Serve(expired);

        var (code, stdout, _) = await cluster.RunAsync();
        log.WriteLine(stdout);

        Assert.Equal(ExitCodes.ChecksFailed, code);
        Assert.Contains($"✘ {DoctorChecks.ServingCertificateExpiry}: the serving certificate expired on ", stdout, StringComparison.Ordinal);
        Assert.Contains($"✔ {DoctorChecks.CaBundle}:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warns_WhenTheServingCertificateExpiresSoon_AndExitsZero()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        using var expiring = cluster.Pki.Server(DoctorCluster.ServiceDns, notAfter: DateTimeOffset.UtcNow.AddDays(3));
        cluster.Serve(expiring);

        var (code, stdout, _) = await cluster.RunAsync();

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"‼ {DoctorChecks.ServingCertificateExpiry}: the serving certificate is valid until ", stdout, StringComparison.Ordinal);
        Assert.Contains("9 passed, 1 warning(s), 0 failed.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_WhenTheWebhookLacksRbac()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        Assert.True(cluster.Api.Delete(ResourceType.ClusterRoleBindings, null, "tls-injector"));

        var (code, stdout, _) = await cluster.RunAsync();
        log.WriteLine(stdout);

        Assert.Equal(ExitCodes.ChecksFailed, code);
        var line = Assert.Single(stdout.Split('\n'), l => l.StartsWith($"✘ {DoctorChecks.WebhookRbac}:", StringComparison.Ordinal));
        Assert.Contains("ServiceAccount tls-injector/tls-injector may not get, list, watch namespaces (all namespaces), for opt-in labels", line, StringComparison.Ordinal);
        Assert.Contains("; get, list, watch secrets (all namespaces), for checking the certificate Secrets pods reference;", line, StringComparison.Ordinal);
        Assert.Contains("; get, list, watch networkpolicies.networking.k8s.io (all namespaces), for warning", line, StringComparison.Ordinal);
        Assert.DoesNotContain("create pods", line, StringComparison.Ordinal);
        Assert.Contains("kubectl auth can-i --as system:serviceaccount:tls-injector:tls-injector", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warns_WhenOnlyTheSidecarProbeRoleIsMissing()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        Assert.True(cluster.Api.Delete(ResourceType.RoleBindings, DoctorCluster.Namespace, "tls-injector-sidecar-probe"));

        var (code, stdout, _) = await cluster.RunAsync();

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"‼ {DoctorChecks.WebhookRbac}: ServiceAccount tls-injector/tls-injector has what it needs, but may not create pods in tls-injector, for the dry-run probe of SidecarMode Auto", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_OnEscapedPods_FromTheAudit()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        cluster.Api.Put(ResourceType.Pods, AuditCluster.PodJson("web-1", "shop", null, null));

        var (code, stdout, _) = await cluster.RunAsync();

        Assert.Equal(ExitCodes.ChecksFailed, code);
        Assert.Contains($"✘ {DoctorChecks.Pods}: 1 escaped, 0 stale, 0 invalid among 2 pod(s): shop/web-1 (escaped).", stdout, StringComparison.Ordinal);
        Assert.Contains("    fix: tls-injector audit lists each pod", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadsTheServingSecret_WhenNoWebhookUrlIsGiven()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        using var leaf = cluster.Pki.Server(DoctorCluster.ServiceDns);
        cluster.Api.Put(ResourceType.Secrets, k8s.KubernetesJson.Serialize(TestPki.Secret(DoctorCluster.Namespace, "tls-injector-webhook-tls", cluster.Pki.ServerData(leaf))));

        var (code, stdout, _) = await cluster.RunAsync(useWebhookUrl: false);
        log.WriteLine(stdout);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("read from Secret tls-injector/tls-injector-webhook-tls (mounted by the webhook; pass --webhook-url to check the live one)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_WhenTheServingSecretIsMissing()
    {
        await using var cluster = await DoctorCluster.StartAsync();

        var (code, stdout, _) = await cluster.RunAsync(useWebhookUrl: false);

        Assert.Equal(ExitCodes.ChecksFailed, code);
        Assert.Contains($"✘ {DoctorChecks.CaBundle}: the serving certificate could not be read: the API server answered 404 NotFound", stdout, StringComparison.Ordinal);
        Assert.Contains("secrets \"tls-injector-webhook-tls\" not found", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_WithPortForwardFix_WhenTheCertificateLivesInMemory()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        var deployment = cluster.Api.Get(ResourceType.Deployments, DoctorCluster.Namespace, "tls-injector-webhook")!;
        deployment["spec"]!["template"]!["spec"]!.AsObject().Remove("volumes");
        cluster.Api.Put(ResourceType.Deployments, deployment);

        var (code, stdout, _) = await cluster.RunAsync(useWebhookUrl: false);

        Assert.Equal(ExitCodes.ChecksFailed, code);
        Assert.Contains("kubectl -n tls-injector port-forward svc/tls-injector-webhook 8443:443, then pass --webhook-url https://127.0.0.1:8443", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_WhenNothingAnswersAtTheWebhookUrl()
    {
        await using var cluster = await DoctorCluster.StartAsync();

        var (code, stdout, _) = await cluster.RunAsync(webhookUrl: new Uri($"https://127.0.0.1:{FreePort()}"));

        Assert.Equal(ExitCodes.ChecksFailed, code);
        Assert.Contains($"✘ {DoctorChecks.CaBundle}: the serving certificate could not be read: cannot complete a TLS handshake with https://127.0.0.1:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamesNativeSidecars_OnKubernetes129()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        var configMap = """{"metadata":{"name":"tls-injector-config","namespace":"tls-injector"},"data":{"Injector__SidecarMode":"Native"}}""";
        cluster.Api.Put(ResourceType.ConfigMaps, configMap);

        var (code, stdout, _) = await cluster.RunAsync();

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"‼ {DoctorChecks.KubernetesApi}: Kubernetes v1.28.7: SidecarMode Native injects native sidecars. Before v1.29 this needs the SidecarContainers feature gate", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopsAfterTheFirstCheck_WhenTheApiServerIsDown()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        cluster.Api.FailureStatusCode = 503;

        var (code, json, _) = await cluster.RunAsync(OutputFormats.Json);

        Assert.Equal(ExitCodes.ChecksFailed, code);
        var check = Assert.Single(StrictJson.Deserialize<ReportJson>(json).Checks);
        Assert.Equal((DoctorChecks.KubernetesApi, "fail"), (check.Name, check.Status));
        Assert.Contains("503", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParsesOptions_FromCommandLine()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        var stdout = new StringWriter();

        var code = await Program.RunAsync(["doctor", "--kubeconfig", cluster.Kubeconfig, "--context", "fake", "--webhook-url", cluster.Webhook.Url.ToString(), "-o", "json"], TextReader.Null, stdout, TextWriter.Null, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.True(StrictJson.Deserialize<ReportJson>(stdout.ToString()).Healthy);
    }

    [Fact]
    public async Task RejectsPlainHttpWebhookUrl_AsUsageError()
    {
        var stderr = new StringWriter();

        var code = await Program.RunAsync(["doctor", "--webhook-url", "http://127.0.0.1:8443"], TextReader.Null, TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("is not an https:// address", stderr.ToString(), StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record ReportJson(string Namespace, IReadOnlyList<CheckJson> Checks, bool Healthy);

    private sealed record CheckJson(string Name, string Status, string Message, string? Fix);
}
