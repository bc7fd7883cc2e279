using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Injector.Cli.Audit;
using Injector.Cli.Commands;
using Injector.Testing;
using Injector.Testing.Kube;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Injector.Cli.Tests.Audit;

public sealed class AuditCommandTests(ITestOutputHelper log)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 15, 0, TimeSpan.Zero);

    [Fact]
    public async Task PrintsTable_OfEscapedAndStalePods_WithOwnersAndFixes()
    {
        await using var cluster = await AuditCluster.StartAsync();

        var (code, stdout, stderr) = await RunAsync(cluster, output: "table");
        log.WriteLine(stdout);

        Assert.Equal(AuditExitCodes.Findings, code);
        Assert.Equal(string.Empty, stderr);
        var lines = stdout.Split('\n');
        Assert.Matches(@"^NAMESPACE\s+POD\s+OWNER\s+PROBLEM\s+FIX$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("shop ", StringComparison.Ordinal) && l.Contains("web-7d9c-abcde", StringComparison.Ordinal)
            && l.Contains("deployment/web", StringComparison.Ordinal)
            && l.Contains("escaped: no tls-proxy, although namespace shop has tls-injector.io/injection=enabled", StringComparison.Ordinal)
            && l.EndsWith("kubectl rollout restart deployment/web -n shop", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("db-0", StringComparison.Ordinal) && l.Contains("statefulset/db", StringComparison.Ordinal)
            && l.Contains("stale: min-tls-version: 1.2 -> 1.3", StringComparison.Ordinal)
            && l.EndsWith("kubectl rollout restart statefulset/db -n shop", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("debug", StringComparison.Ordinal) && l.Contains(" - ", StringComparison.Ordinal)
            && l.EndsWith("recreate manually: kubectl delete pod debug -n shop, then apply its manifest again", StringComparison.Ordinal));
        Assert.DoesNotContain("ok-5f6-xyz", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("blog-1", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("coredns", stdout, StringComparison.Ordinal);
        Assert.Contains("3 of 6 pod(s) need attention: 2 escaped, 1 stale, 0 invalid.", stdout, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed. --restart-owners would rollout-restart: statefulset/db -n shop, deployment/web -n shop.", stdout, StringComparison.Ordinal);
        Assert.Empty(cluster.Writes);
    }

    [Fact]
    public async Task PrintsJson_WithEveryFinding()
    {
        await using var cluster = await AuditCluster.StartAsync();

        var (code, stdout, _) = await RunAsync(cluster, output: "json");
        log.WriteLine(stdout);

        Assert.Equal(AuditExitCodes.Findings, code);
        var report = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(6, report["podsChecked"]!.GetValue<int>());
        Assert.Empty(report["restarts"]!.AsArray());
        var findings = report["findings"]!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => f["pod"]!.GetValue<string>());
        Assert.Equal(["db-0", "debug", "web-7d9c-abcde"], findings.Keys.Order(StringComparer.Ordinal));

        var web = findings["web-7d9c-abcde"];
        Assert.Equal("shop", web["namespace"]!.GetValue<string>());
        Assert.Equal("escaped", web["problem"]!.GetValue<string>());
        Assert.Equal("Deployment", web["owner"]!["kind"]!.GetValue<string>());
        Assert.Equal("web", web["owner"]!["name"]!.GetValue<string>());
        Assert.True(web["restartable"]!.GetValue<bool>());
        Assert.Equal("kubectl rollout restart deployment/web -n shop", web["fix"]!.GetValue<string>());

        var db = findings["db-0"];
        Assert.Equal("stale", db["problem"]!.GetValue<string>());
        Assert.NotEqual(db["injectedHash"]!.GetValue<string>(), db["currentHash"]!.GetValue<string>());
        Assert.Equal("min-tls-version: 1.2 -> 1.3", Assert.Single(db["changes"]!.AsArray())!.GetValue<string>());

        Assert.Null(findings["debug"]["owner"]);
        Assert.False(findings["debug"]["restartable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PrintsYaml_ThatReadsAsTheJson()
    {
        await using var cluster = await AuditCluster.StartAsync();

        var (_, json, _) = await RunAsync(cluster, output: OutputFormats.Json);
        var (code, yaml, _) = await RunAsync(cluster, output: OutputFormats.Yaml);

        Assert.Equal(AuditExitCodes.Findings, code);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), YamlJson.Parse(yaml)), yaml);
    }

    [Fact]
    public async Task ExitsZero_WhenClusterIsClean()
    {
        await using var cluster = await AuditCluster.StartAsync();
        cluster.Api.Delete(ResourceType.Pods, "shop", "web-7d9c-abcde");
        cluster.Api.Delete(ResourceType.Pods, "shop", "db-0");
        cluster.Api.Delete(ResourceType.Pods, "shop", "debug");

        var (code, stdout, stderr) = await RunAsync(cluster);

        Assert.Equal(AuditExitCodes.Clean, code);
        Assert.Equal("No escaped, stale or invalid pods among 3 pod(s) checked.", stdout.Trim());
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public async Task RestartOwners_PatchesDeploymentAndStatefulSet_LikeKubectlRolloutRestart()
    {
        await using var cluster = await AuditCluster.StartAsync();

        var (code, stdout, stderr) = await RunAsync(cluster, restartOwners: true);
        log.WriteLine(stdout);

        Assert.Equal(AuditExitCodes.Findings, code);
        Assert.Equal(string.Empty, stderr);
        var writes = cluster.Writes;
        Assert.Equal(
            ["PATCH /apis/apps/v1/namespaces/shop/statefulsets/db", "PATCH /apis/apps/v1/namespaces/shop/deployments/web"],
            writes.Select(w => $"{w.Method} {w.Path}"));
        Assert.All(writes, w => Assert.StartsWith("application/strategic-merge-patch+json", w.ContentType, StringComparison.Ordinal));
        var body = JsonNode.Parse(writes[1].Body!)!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-23T08:15:00Z"}}}}}"""),
            body));

        var deployment = cluster.Api.Get(ResourceType.Deployments, "shop", "web")!;
        Assert.Equal("2026-11-23T08:15:00Z", deployment["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]!.GetValue<string>());
        Assert.Equal("web", deployment["spec"]!["template"]!["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Null(cluster.Api.Get(ResourceType.Deployments, "shop", "ok")!["spec"]!["template"]!["metadata"]!["annotations"]);
        Assert.Contains("restarted deployment/web -n shop (kubectl.kubernetes.io/restartedAt=2026-11-23T08:15:00Z)", stdout, StringComparison.Ordinal);
        Assert.Contains("restarted statefulset/db -n shop", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartOwners_ReportsFailedPatch_AndExitsTwo()
    {
        await using var cluster = await AuditCluster.StartAsync();
        Assert.True(cluster.Api.Delete(ResourceType.Deployments, "shop", "web"));

        var (code, stdout, stderr) = await RunAsync(cluster, output: "json", restartOwners: true);

        Assert.Equal(AuditExitCodes.Error, code);
        var restarts = JsonNode.Parse(stdout)!["restarts"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(["StatefulSet/db", "Deployment/web"], restarts.Select(r => $"{r["owner"]!["kind"]}/{r["owner"]!["name"]}"));
        Assert.Null(restarts[0]["error"]);
        Assert.Equal("2026-11-23T08:15:00Z", restarts[0]["restartedAt"]!.GetValue<string>());
        Assert.Contains("404 NotFound", restarts[1]["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("error: restarting deployment/web -n shop: the API server answered 404 NotFound to patch deployment/web -n shop: deployments \"web\" not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestartOwners_SkipsOwnersWhoseSettingsWouldBeRejected()
    {
        await using var cluster = await AuditCluster.StartAsync(seed: false);
        cluster.Api.Put(ResourceType.Namespaces, """{"metadata":{"name":"shop","labels":{"tls-injector.io/injection":"enabled"}}}""");
        cluster.Api.Put(ResourceType.Deployments, AuditCluster.Workload("web", "shop"));
        cluster.Api.Put(ResourceType.ReplicaSets, AuditCluster.Workload("web-1", "shop", "Deployment", "web"));
        cluster.Api.Put(ResourceType.Pods, AuditCluster.PodJson("web-1-a", "shop", "ReplicaSet", "web-1"));

        var (code, stdout, _) = await RunAsync(cluster, restartOwners: true);
        log.WriteLine(stdout);

        Assert.Equal(AuditExitCodes.Findings, code);
        Assert.Empty(cluster.Writes);
        Assert.Contains("fix the setting below, then kubectl rollout restart deployment/web -n shop", stdout, StringComparison.Ordinal);
        Assert.Contains("shop/web-1-a: settings the webhook would reject:", stdout, StringComparison.Ordinal);
        Assert.Contains("  - annotation tls-injector.io/secret is missing.", stdout, StringComparison.Ordinal);
        Assert.Contains("Nothing to restart: every finding needs a settings fix or a manual recreate (see FIX).", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepsReplicaSetOwner_WhenItHasNoDeployment()
    {
        await using var cluster = await AuditCluster.StartAsync();
        cluster.Api.Put(ResourceType.ReplicaSets, AuditCluster.Workload("web-7d9c", "shop"));

        var (_, stdout, _) = await RunAsync(cluster);

        Assert.Contains(stdout.Split('\n'), l => l.Contains("replicaset/web-7d9c", StringComparison.Ordinal) && l.EndsWith("kubectl delete pod web-7d9c-abcde -n shop", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuditsOneNamespace_WithNamespaceOption()
    {
        await using var cluster = await AuditCluster.StartAsync();
        cluster.Api.Put(ResourceType.Namespaces, """{"metadata":{"name":"blog","labels":{"tls-injector.io/injection":"enabled"},"annotations":{"tls-injector.io/secret":"blog-tls"}}}""");

        var (code, stdout, _) = await RunAsync(cluster, ns: "blog");

        Assert.Equal(AuditExitCodes.Findings, code);
        Assert.Contains("1 of 1 pod(s) need attention: 1 escaped", stdout, StringComparison.Ordinal);
        Assert.Contains(cluster.Api.Requests, r => r.Path == "/api/v1/namespaces/blog/pods");
        Assert.DoesNotContain(cluster.Api.Requests, r => r.Path == "/api/v1/pods");
    }

    [Fact]
    public async Task Fails_WhenNamespaceDoesNotExist()
    {
        await using var cluster = await AuditCluster.StartAsync();

        var (code, stdout, stderr) = await RunAsync(cluster, ns: "nope");

        Assert.Equal(AuditExitCodes.Error, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("namespace \"nope\" does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadsEveryPage_OfALargeCluster()
    {
        await using var cluster = await AuditCluster.StartAsync();
        for (var i = 0; i < 520; i++)
        {
            cluster.Api.Put(ResourceType.Pods, AuditCluster.PodJson($"blog-{i:D3}", "blog", null, null));
        }

        var (code, stdout, _) = await RunAsync(cluster);

        Assert.Equal(AuditExitCodes.Findings, code);
        Assert.Contains("3 of 526 pod(s) need attention", stdout, StringComparison.Ordinal);
        Assert.Contains(cluster.Api.Requests, r => r.Path == "/api/v1/pods" && r.Query.Contains("continue=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fails_WithClearMessage_On401()
    {
        await using var cluster = await AuditCluster.StartAsync();
        cluster.Api.RequiredToken = "rotated";

        var (code, stdout, stderr) = await RunAsync(cluster, restartOwners: true);
        log.WriteLine(stderr);

        Assert.Equal(AuditExitCodes.Error, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("the API server rejected the credentials (401 Unauthorized)", stderr, StringComparison.Ordinal);
        Assert.Contains("Fix: the kubeconfig's token or client certificate is expired or wrong", stderr, StringComparison.Ordinal);
        Assert.Empty(cluster.Writes);
    }

    [Fact]
    public async Task Fails_WhenApiServerAnswersWithAnError()
    {
        await using var cluster = await AuditCluster.StartAsync();
        cluster.Api.FailureStatusCode = 503;

        var (code, _, stderr) = await RunAsync(cluster);

        Assert.Equal(AuditExitCodes.Error, code);
        Assert.Contains("the API server answered 503 ServiceUnavailable", stderr, StringComparison.Ordinal);
        Assert.Contains("the fake API server is down", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_WhenApiServerIsUnreachable()
    {
        // A port that was just free and has nobody listening: connect is refused at once.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var dir = Directory.CreateTempSubdirectory("tls-injector-audit-").FullName;
        try
        {
            var kubeconfig = Path.Combine(dir, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, $"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: gone
                  cluster:
                    server: http://127.0.0.1:{port}
                contexts:
                - name: gone
                  context:
                    cluster: gone
                    user: u
                current-context: gone
                users:
                - name: u
                  user:
                    token: t
                """);
            var stderr = new StringWriter();

            var code = await AuditCommand.HandlerAsync(TextWriter.Null, stderr, new AuditArguments(kubeconfig, null, OutputFormats.Table, false, null), TimeProvider.System, CancellationToken.None);

            Assert.Equal(AuditExitCodes.Error, code);
            Assert.Contains("cannot reach the API server", stderr.ToString(), StringComparison.Ordinal);
            Assert.Contains($"(server http://127.0.0.1:{port}", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Fails_WhenKubeconfigIsMissing()
    {
        var stderr = new StringWriter();

        var code = await AuditCommand.HandlerAsync(TextWriter.Null, stderr, new AuditArguments("/nonexistent/kubeconfig", null, OutputFormats.Table, false, null), TimeProvider.System, CancellationToken.None);

        Assert.Equal(AuditExitCodes.Error, code);
        Assert.Contains("cannot load the kubeconfig /nonexistent/kubeconfig", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HonoursInjectorConfig_ExcludedNamespaces()
    {
        await using var cluster = await AuditCluster.StartAsync();
        using var config = new TempFile("""{"Injector":{"ExcludedNamespaces":["shop"]}}""");

        var (code, stdout, _) = await RunAsync(cluster, configPath: config.Path);

        Assert.Equal(AuditExitCodes.Clean, code);
        Assert.Contains("No escaped, stale or invalid pods among 6 pod(s) checked.", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "-o", "json" }, AuditExitCodes.Findings, "\"podsChecked\": 6", null)]
    [InlineData(new[] { "-n", "blog" }, AuditExitCodes.Clean, "among 1 pod(s)", null)]
    [InlineData(new[] { "-A" }, AuditExitCodes.Findings, "3 of 6 pod(s)", null)]
    [InlineData(new[] { "-o", "yaml" }, AuditExitCodes.Findings, "podsChecked: 6", null)]
    [InlineData(new[] { "-o", "xml" }, AuditExitCodes.Error, "", "Argument 'xml' not recognized")]
    [InlineData(new[] { "-n", "blog", "-A" }, AuditExitCodes.Error, "", "--namespace and --all-namespaces exclude each other")]
    [InlineData(new[] { "--restart-owner" }, AuditExitCodes.Error, "", "--restart-owner")]
    public async Task ParsesOptions_FromCommandLine(string[] options, int expectedCode, string expectedOutput, string? expectedError)
    {
        await using var cluster = await AuditCluster.StartAsync();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await Program.RunAsync(["audit", "--kubeconfig", cluster.Kubeconfig, .. options], TextReader.Null, stdout, stderr, CancellationToken.None);

        Assert.Equal(expectedCode, code);
        Assert.Contains(expectedOutput, stdout.ToString(), StringComparison.Ordinal);
        if (expectedError is not null)
        {
            // A usage error is not a finding: exit 2, and nothing reaches the API.
            Assert.Contains(expectedError, stderr.ToString(), StringComparison.Ordinal);
            Assert.Empty(cluster.Api.Requests);
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(
        AuditCluster cluster, string output = OutputFormats.Table, string? ns = null, bool restartOwners = false, string? configPath = null)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = await AuditCommand.HandlerAsync(
            stdout, stderr, new AuditArguments(cluster.Kubeconfig, ns, output, restartOwners, configPath), new FakeTimeProvider(Now), CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
