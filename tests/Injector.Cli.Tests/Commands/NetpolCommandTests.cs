using Injector.Cli.Commands;
using Injector.Core.Manifests;
using Injector.Testing;
using k8s.Models;

namespace Injector.Cli.Tests.Commands;

public sealed class NetpolCommandTests
{
    private static readonly string CaseDirectory = Path.Combine(RepositoryPaths.Root, "tests", "Injector.Core.Tests", "testdata", "netpol");

    [Fact]
    public void Prints_GoldenPolicies()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = NetpolCommand.Handler(TextReader.Null, stdout, stderr, Path.Combine(CaseDirectory, "several-workloads.yaml"), null, "default", ["10.0.0.0/8"]);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(File.ReadAllText(Path.Combine(CaseDirectory, "several-workloads.netpol.yaml")), stdout.ToString());
        Assert.Contains("3 NetworkPolicy object(s) for 4 workload(s)", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_InvalidCidr()
    {
        var stderr = new StringWriter();
        var code = NetpolCommand.Handler(TextReader.Null, TextWriter.Null, stderr, Path.Combine(CaseDirectory, "several-workloads.yaml"), null, "default", ["10.0.0.0/99"]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("is not a CIDR", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Appends_PolicyAfterEachInjectedWorkload_WithInjectWithNetpol()
    {
        var stdout = new StringWriter();
        var code = InjectCommand.Handler(TextReader.Null, stdout, TextWriter.Null, Path.Combine(RepositoryPaths.Examples, "web.yaml"), null, "default", null, new NetworkPolicyRequest(true, []));

        Assert.Equal(ExitCodes.Ok, code);
        var kinds = ManifestDocument.Split(stdout.ToString()).Select(ManifestObject.Parse).Select(o => o.Kind).ToList();
        Assert.Equal(["Namespace", "Deployment", "NetworkPolicy", "Service"], kinds);
        var policy = k8s.KubernetesYaml.Deserialize<V1NetworkPolicy>(ManifestDocument.Split(stdout.ToString())[2].Text, strict: true);
        Assert.Equal([8443], policy.Spec.Ingress.Single().Ports.Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
