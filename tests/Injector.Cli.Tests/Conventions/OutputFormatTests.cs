using System.Text.Json.Nodes;
using Injector.Cli.Commands;
using Injector.Testing;
using k8s.Models;

namespace Injector.Cli.Tests.Conventions;

/// <summary><c>-o json</c> and <c>-o yaml</c> print the same document, with exactly the documented fields.</summary>
public sealed class OutputFormatTests
{
    [Fact]
    public async Task Check_PrintsJson_WithEveryWorkload()
    {
        var (code, json) = await CheckAsync(OutputFormats.Json);

        Assert.Equal(ExitCodes.PolicyErrors, code);
        var report = StrictJson.Deserialize<CheckJson>(json);
        Assert.Equal(1, report.Checked);
        Assert.Equal(3, report.Errors);
        Assert.Equal(0, report.Warnings);
        var workload = Assert.Single(report.Workloads);
        Assert.Equal(("Deployment", "reports", "shop"), (workload.Kind, workload.Name, workload.Namespace));
        Assert.Equal(3, workload.Errors.Count);
        Assert.Contains(workload.Errors, e => e.Contains("Secret \"shop/reports-tls\" does not exist", StringComparison.Ordinal));
        Assert.Empty(workload.Warnings);
    }

    [Fact]
    public async Task Check_PrintsYaml_ThatReadsAsTheJson()
    {
        var (_, json) = await CheckAsync(OutputFormats.Json);
        var (code, yaml) = await CheckAsync(OutputFormats.Yaml);

        Assert.Equal(ExitCodes.PolicyErrors, code);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), YamlJson.Parse(yaml)), yaml);
    }

    [Fact]
    public void Netpol_PrintsJson_AsAKubectlList()
    {
        var stdout = new StringWriter();

        var code = NetpolCommand.Handler(TextReader.Null, stdout, TextWriter.Null, Path.Combine(RepositoryPaths.Examples, "web.yaml"), null, "default", [], OutputFormats.Json);

        Assert.Equal(ExitCodes.Ok, code);
        var list = JsonNode.Parse(stdout.ToString())!.AsObject();
        Assert.Equal(["apiVersion", "kind", "items"], list.Select(kv => kv.Key));
        Assert.Equal("List", list["kind"]!.GetValue<string>());
        var policy = k8s.KubernetesJson.Deserialize<V1NetworkPolicy>(Assert.Single(list["items"]!.AsArray())!.ToJsonString());
        Assert.Equal(("NetworkPolicy", "shop"), (policy.Kind, policy.Metadata.NamespaceProperty));
        Assert.Equal("web", policy.Spec.PodSelector.MatchLabels["app"]);
    }

    private static async Task<(int Code, string Stdout)> CheckAsync(string output)
    {
        var stdout = new StringWriter();
        var code = await CheckCommand.HandlerAsync(
            TextReader.Null, stdout, TextWriter.Null, new CheckArguments(Path.Combine(RepositoryPaths.Examples, "bad-mtls.yaml"), null, "default", null, null, output), CancellationToken.None);
        return (code, stdout.ToString());
    }

    private sealed record CheckJson(int Checked, int Errors, int Warnings, IReadOnlyList<WorkloadJson> Workloads);

    private sealed record WorkloadJson(string Kind, string? Name, string Namespace, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);
}
