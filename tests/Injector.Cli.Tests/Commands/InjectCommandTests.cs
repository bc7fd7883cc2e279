using Injector.Cli.Commands;
using Injector.Core.Contract;
using Injector.Core.Manifests;
using Injector.Testing;

namespace Injector.Cli.Tests.Commands;

public sealed class InjectCommandTests
{
    private static readonly string GoldenDirectory = Path.Combine(RepositoryPaths.Root, "tests", "Injector.Core.Tests", "testdata", "inject");

    public static TheoryData<string> GoldenCases() => new(Golden.Cases(GoldenDirectory, ".injected.yaml"));

    /// <summary>The CLI path over the Core's golden files: stdout is the golden's YAML part, byte for byte.</summary>
    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Prints_GoldenOutput(string name)
    {
        var input = Path.Combine(GoldenDirectory, name + ".yaml");
        var header = File.ReadLines(input).TakeWhile(l => l.StartsWith('#')).ToList();
        var kubeVersion = header.FirstOrDefault(l => l.StartsWith("# kube-version:", StringComparison.Ordinal))?.Split(':')[1].Trim();
        var ns = header.FirstOrDefault(l => l.StartsWith("# namespace:", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "default";
        var mode = header.FirstOrDefault(l => l.StartsWith("# sidecar-mode:", StringComparison.Ordinal))?.Split(':')[1].Trim();
        using var config = mode is null ? null : new TempFile($"{{\"Injector\": {{\"SidecarMode\": \"{mode}\"}}}}");

        var (code, stdout, stderr) = Run(input, config?.Path, ns, kubeVersion);

        var golden = File.ReadAllText(Path.Combine(GoldenDirectory, name + ".injected.yaml"));
        var expected = golden[..golden.IndexOf("# --- report", StringComparison.Ordinal)];
        Assert.Equal(expected, Golden.Normalize(stdout));
        Assert.Equal(golden.Contains(": Denied:", StringComparison.Ordinal) ? ExitCodes.PolicyErrors : ExitCodes.Ok, code);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Injects_FromStandardInput()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Examples, "web.yaml"));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = InjectCommand.Handler(new StringReader(yaml), stdout, stderr, "-", null, "default", null);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains(ContractNames.ProxyContainerName, stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("Deployment \"shop/web\": injected", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A batch/v1beta1 CronJob (1.19, 1.20) is injected like a batch/v1 one and keeps its apiVersion.</summary>
    [Fact]
    public void Injects_BatchV1Beta1CronJob()
    {
        const string Yaml = """
            apiVersion: batch/v1beta1
            kind: CronJob
            metadata: {name: nightly, namespace: shop}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    metadata:
                      labels: {tls-injector.io/inject: "true"}
                      annotations: {tls-injector.io/secret: nightly-tls}
                    spec:
                      restartPolicy: Never
                      containers:
                        - {name: app, image: example/app:1, ports: [{name: http, containerPort: 8080}]}
            """;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = InjectCommand.Handler(new StringReader(Yaml), stdout, stderr, "-", null, "default", "1.20");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.StartsWith("apiVersion: batch/v1beta1\nkind: CronJob\n", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains($"name: {ContractNames.ProxyContainerName}\n", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("CronJob \"shop/nightly\": injected", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Prints_ValidObjects_ForEveryExample()
    {
        foreach (var example in Directory.GetFiles(RepositoryPaths.Examples, "*.yaml"))
        {
            var (code, stdout, _) = Run(example, null, "default", null);
            Assert.True(code is ExitCodes.Ok or ExitCodes.PolicyErrors, $"{example}: exit {code}");
            foreach (var obj in ManifestDocument.Split(stdout).Select(ManifestObject.Parse))
            {
                if (obj.Typed is not null && ManifestInjector.Template(obj.Typed, "default") is { } template)
                {
                    PodSpecInvariants.AssertValid(template.Spec, $"{Path.GetFileName(example)} document {obj.Document.Number}");
                }
            }
        }
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containerz: []\n", "document 1 (line 6): Property 'containerz' not found")]
    [InlineData("kind: ConfigMap\napiVersion: v1\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: [unclosed\n", "document 2 (line 7)")]
    [InlineData("a: b\n---\nkey: [1, 2\n", "document 2")]
    public void Rejects_UnreadableYaml_NamingDocumentAndLine(string yaml, string expected)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = InjectCommand.Handler(new StringReader(yaml), stdout, stderr, "-", null, "default", null);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public void Rejects_MissingFile_AndBadKubeVersion()
    {
        Assert.Equal(ExitCodes.BadInput, Run("/nonexistent/pods.yaml", null, "default", null).Code);
        var example = Path.Combine(RepositoryPaths.Examples, "web.yaml");
        var (code, _, stderr) = Run(example, null, "default", "latest");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("is not MAJOR.MINOR", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Parses_CommandLine_ThroughTheRealCommandTree()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var root = Program.BuildRoot(TextReader.Null, stdout, stderr);
        var code = root.Parse(["inject", "-f", Path.Combine(RepositoryPaths.Examples, "payments-mtls.yaml"), "--kube-version", "1.28"]).Invoke();
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("injected classic sidecar", stderr.ToString(), StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, string? config, string ns, string? kubeVersion)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = InjectCommand.Handler(TextReader.Null, stdout, stderr, file, config, ns, kubeVersion);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
