using System.Reflection;
using Injector.Cli.Tests.Conventions;
using Injector.Cli.Tests.Doctor;
using Injector.Testing;
using Injector.Testing.Kube;

namespace Injector.Cli.Tests.Commands;

public sealed class VersionCommandTests
{
    /// <summary>What the build stamped into the CLI assembly, read here independently of the command.</summary>
    private static readonly string Stamped = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    [Fact]
    public async Task PrintsClientVersion_FromTheAssembly()
    {
        var (code, stdout, _) = await RunAsync([]);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal($"Client: {Stamped}\n", stdout);
        Assert.False(string.IsNullOrWhiteSpace(Stamped));
    }

    [Fact]
    public async Task PrintsClientVersionAlone_AsJson()
    {
        var (code, stdout, _) = await RunAsync(["-o", "json"]);

        Assert.Equal(ExitCodes.Ok, code);
        var report = StrictJson.Deserialize<ReportJson>(stdout);
        Assert.Equal(Stamped, report.ClientVersion);
        Assert.Null(report.Webhook);
    }

    [Fact]
    public async Task PrintsTheInstalledWebhook_WithCluster()
    {
        await using var cluster = await DoctorCluster.StartAsync();

        var (code, stdout, stderr) = await RunAsync(["--cluster", "--kubeconfig", cluster.Kubeconfig]);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(string.Empty, stderr);
        Assert.Equal($"Client: {Stamped}\nWebhook: 1.4.0 (image tls-injector/webhook:1.4.0, 2/2 ready, namespace tls-injector)\n", stdout);
    }

    [Fact]
    public async Task PrintsTheInstalledWebhook_AsJsonAndYaml()
    {
        await using var cluster = await DoctorCluster.StartAsync();

        var (code, json, _) = await RunAsync(["--cluster", "--kubeconfig", cluster.Kubeconfig, "--context", "fake", "-o", "json"]);
        var (_, yaml, _) = await RunAsync(["--cluster", "--kubeconfig", cluster.Kubeconfig, "-o", "yaml"]);

        Assert.Equal(ExitCodes.Ok, code);
        var report = StrictJson.Deserialize<ReportJson>(json);
        Assert.Equal(new WebhookJson("tls-injector", "1.4.0", "tls-injector/webhook:1.4.0", 2, 2), report.Webhook);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(json), YamlJson.Parse(yaml)), yaml);
    }

    [Fact]
    public async Task SaysUnknown_WhenTheDeploymentHasNoVersionLabel()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        var deployment = cluster.Api.Get(ResourceType.Deployments, DoctorCluster.Namespace, "tls-injector-webhook")!;
        deployment["metadata"]!["labels"]!.AsObject().Remove("app.kubernetes.io/version");
        cluster.Api.Put(ResourceType.Deployments, deployment);

        var (code, stdout, _) = await RunAsync(["--cluster", "--kubeconfig", cluster.Kubeconfig]);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Webhook: unknown (image tls-injector/webhook:1.4.0", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitsOne_WhenTheWebhookIsNotInstalled()
    {
        await using var cluster = await DoctorCluster.StartAsync();

        var (code, stdout, stderr) = await RunAsync(["--cluster", "--kubeconfig", cluster.Kubeconfig, "--injector-namespace", "elsewhere"]);

        Assert.Equal(ExitCodes.NotInstalled, code);
        Assert.Equal($"Client: {Stamped}\n", stdout);
        Assert.Contains("no Deployment elsewhere/tls-injector-webhook", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitsTwo_WhenTheClusterCannotBeAsked()
    {
        await using var cluster = await DoctorCluster.StartAsync();
        cluster.Api.FailureStatusCode = 503;

        var (code, _, stderr) = await RunAsync(["--cluster", "--kubeconfig", cluster.Kubeconfig]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("503", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = await Program.RunAsync(["version", .. args], TextReader.Null, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private sealed record ReportJson(string ClientVersion, WebhookJson? Webhook = null);

    private sealed record WebhookJson(string Namespace, string Version, string Image, int Replicas, int ReadyReplicas);
}
