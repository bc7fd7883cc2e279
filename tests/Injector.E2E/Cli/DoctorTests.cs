using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Injector.E2E.Cluster;
using Injector.E2E.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static Injector.E2E.Cluster.Workloads;

namespace Injector.E2E.Cli;

/// <summary>
/// <c>tls-injector doctor</c>, run as a process against the suite's cluster. Any install passes here (kind, K3s,
/// hack/run-local.sh's URL mode), so the tests check doctor against what the cluster itself says, not against one layout.
/// </summary>
[Collection(ClusterSuite.Name)]
public sealed class DoctorTests(ClusterFixture cluster)
{
    private const string InjectorNamespace = "tls-injector";

    private static readonly string[] Checks =
    [
        "kubernetes-api", "webhook-deployment", "mutating-webhook-configuration", "validating-webhook-configuration", "webhook-endpoints",
        "ca-bundle", "serving-certificate-expiry", "webhook-rbac", "opted-in-namespaces", "pods",
    ];

    [ClusterFact]
    public async Task Doctor_RunsEveryCheck_AndAgreesWithTheCluster()
    {
        var (code, report) = await DoctorAsync();

        Assert.Contains(code, new[] { 0, 1 });
        Assert.Equal(Checks, report.Checks.Select(c => c.Name));
        Assert.Equal(code == 0, report.Checks.All(c => c.Status != "fail"));
        Assert.All(report.Checks, c => Assert.Equal(c.Status == "pass", c.Fix is null));

        var version = await cluster.Client.Version.GetCodeAsync();
        var api = report.Check("kubernetes-api");
        Assert.NotEqual("fail", api.Status);
        Assert.Contains(version.GitVersion, api.Message, StringComparison.Ordinal);

        // The suite only runs where the MutatingWebhookConfiguration exists (ClusterTarget).
        Assert.NotEqual("fail", report.Check("mutating-webhook-configuration").Status);

        var deployment = await ReadOrNullAsync(() => cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("tls-injector-webhook", InjectorNamespace));
        Assert.Equal(deployment?.Status?.ReadyReplicas > 0 ? "pass" : "fail", report.Check("webhook-deployment").Status);
    }

    [ClusterFact]
    public async Task Doctor_FailsOnAPodThatEscapedInjection()
    {
        var ns = await cluster.CreateNamespaceAsync("doctor", injection: null);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("early", AppTemplate("early", Annotations(("secret", "e2e-server")))), ns);
        var patch = new V1Patch("{\"metadata\":{\"labels\":{\"" + Prefix + "injection\":\"enabled\"}}}", V1Patch.PatchType.MergePatch);
        await cluster.Client.CoreV1.PatchNamespaceAsync(patch, ns);

        var (code, report) = await DoctorAsync();

        Assert.Equal(1, code);
        var pods = report.Check("pods");
        Assert.Equal("fail", pods.Status);
        Assert.Matches(@"^[1-9]\d* escaped", pods.Message);
        Assert.True(pods.Message.Contains($"{ns}/early (escaped)", StringComparison.Ordinal) || pods.Message.Contains(" more.", StringComparison.Ordinal), pods.Message);
        Assert.Contains(ns, report.Check("opted-in-namespaces").Message, StringComparison.Ordinal);
    }

    /// <summary>What a user does from a laptop: port-forward to the webhook's Service, and let doctor check the certificate it serves.</summary>
    [PortForwardFact]
    public async Task Doctor_VerifiesTheServedCertificate_ThroughAPortForward()
    {
        var deployment = await ReadOrNullAsync(() => cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("tls-injector-webhook", InjectorNamespace));
        if (deployment?.Status?.ReadyReplicas is not > 0)
        {
            // hack/run-local.sh: the webhook runs outside the cluster, so there is nothing to port-forward to.
            Assert.Equal("fail", (await DoctorAsync()).Report.Check("webhook-deployment").Status);
            return;
        }

        var kubectl = new ProcessStartInfo(ExternalTool.Find("kubectl")!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--kubeconfig", cluster.KubeconfigPath, "-n", InjectorNamespace, "port-forward", "svc/tls-injector-webhook", ":443" })
        {
            kubectl.ArgumentList.Add(argument);
        }

        using var forward = Process.Start(kubectl)!;
        try
        {
            // kubectl prints "Forwarding from 127.0.0.1:PORT -> 8443" once it listens.
            var line = await forward.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? string.Empty;
            var port = Regex.Match(line, @"127\.0\.0\.1:(\d+)").Groups[1].Value;
            Assert.False(string.IsNullOrEmpty(port), $"kubectl port-forward printed: {line}");

            var (_, report) = await DoctorAsync("--webhook-url", $"https://127.0.0.1:{port}");

            Assert.Equal("pass", report.Check("ca-bundle").Status);
            Assert.Contains($"read from https://127.0.0.1:{port}", report.Check("ca-bundle").Message, StringComparison.Ordinal);
            Assert.NotEqual("fail", report.Check("serving-certificate-expiry").Status);
        }
        finally
        {
            forward.Kill(entireProcessTree: true);
        }
    }

    private async Task<(int Code, DoctorReport Report)> DoctorAsync(params string[] extra)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "tls-injector.dll");
        var result = await ExternalTool.RunAsync("dotnet", [cli, "doctor", "--kubeconfig", cluster.KubeconfigPath, "-o", "json", .. extra], TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode is 0 or 1, $"doctor exited {result.ExitCode}: {result.StandardError}");
        return (result.ExitCode, DoctorReport.Parse(result.StandardOutput));
    }

    private static async Task<T?> ReadOrNullAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private sealed record DoctorCheck(string Name, string Status, string Message, string? Fix);

    private sealed record DoctorReport(IReadOnlyList<DoctorCheck> Checks)
    {
        public DoctorCheck Check(string name) => Assert.Single(Checks, c => c.Name == name);

        public static DoctorReport Parse(string json)
        {
            var checks = JsonNode.Parse(json)!["checks"]!.AsArray().Select(c => new DoctorCheck(
                c!["name"]!.GetValue<string>(), c["status"]!.GetValue<string>(), c["message"]!.GetValue<string>(), c["fix"]?.GetValue<string>()));
            return new DoctorReport([.. checks]);
        }
    }
}

/// <summary>A runtime check that also runs kubectl port-forward: needs a Ready node and kubectl; skipped with the reason otherwise.</summary>
internal sealed class PortForwardFactAttribute : FactAttribute
{
    public PortForwardFactAttribute()
    {
        Skip = new RuntimeFactAttribute().Skip ?? (ExternalTool.Find("kubectl") is null ? "Needs kubectl on PATH for port-forward." : null);
    }
}
