using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Core.Manifests;
using Injector.Testing;
using k8s;
using k8s.Models;

namespace Injector.Core.Tests.Manifests;

/// <summary>
/// testdata/inject/CASE.yaml → CASE.injected.yaml. Each case also proves its patches by applying them with an
/// independent JSON Patch implementation, checks the API server's naming rules, and re-injects the output to
/// prove idempotence. A case's first comment lines may set <c># sidecar-mode: classic</c>,
/// <c># kube-version: 1.28</c> or <c># namespace: shop</c>.
/// </summary>
public sealed class InjectionGoldenTests
{
    private static readonly string CaseDirectory = Path.Combine(RepositoryPaths.Root, "tests", "Injector.Core.Tests", "testdata", "inject");

    public static TheoryData<string> Cases() => new(Golden.Cases(CaseDirectory, ".injected.yaml"));

    [Fact]
    public void Discovers_Cases_WithoutStaleGoldens()
    {
        var inputs = Golden.Cases(CaseDirectory, ".injected.yaml").ToHashSet();
        Assert.True(inputs.Count >= 3, $"only {inputs.Count} golden inputs found in {CaseDirectory}");
        var stale = Directory.GetFiles(CaseDirectory, "*.injected.yaml")
            .Select(f => Path.GetFileName(f)[..^".injected.yaml".Length])
            .Where(name => !inputs.Contains(name))
            .ToList();
        Assert.True(stale.Count == 0, $"golden files without an input: {string.Join(", ", stale)}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Injects_AsGolden(string name)
    {
        var input = File.ReadAllText(Path.Combine(CaseDirectory, name + ".yaml"));
        var (options, cluster, defaultNamespace) = ReadHeader(input);
        var injector = new ManifestInjector(new PodInjector(options));

        var result = injector.Inject(input, cluster, defaultNamespace);

        Golden.AssertMatches(Path.Combine(CaseDirectory, name + ".injected.yaml"), result.Output + Report(result));
        AssertPatchesApply(input, result, defaultNamespace);
        AssertOutputValid(result.Output, defaultNamespace);

        var again = injector.Inject(result.Output, cluster, defaultNamespace);
        Assert.Equal(result.Output, again.Output);
        Assert.DoesNotContain(again.Entries, e => e.Result.Decision == InjectionDecision.Injected);
    }

    private static (InjectorOptions Options, ClusterInfo Cluster, string Namespace) ReadHeader(string input)
    {
        var options = new InjectorOptions();
        var cluster = ClusterInfo.Unknown;
        var ns = "default";
        foreach (var line in input.Split('\n').TakeWhile(l => l.StartsWith('#')))
        {
            var parts = line.TrimStart('#').Split(':', 2, StringSplitOptions.TrimEntries);
            switch (parts[0])
            {
                case "sidecar-mode":
                    options = options with { SidecarMode = Enum.Parse<SidecarMode>(parts[1], ignoreCase: true) };
                    break;
                case "kube-version":
                    var v = parts[1].Split('.');
                    cluster = ClusterInfo.FromVersion(v[0], v[1]);
                    break;
                case "namespace":
                    ns = parts[1];
                    break;
            }
        }

        return (options, cluster, ns);
    }

    /// <summary>The decisions, as comments after the YAML, so a golden shows why a workload was (not) injected.</summary>
    private static string Report(ManifestInjection result)
    {
        var report = new StringBuilder("# --- report: not part of the injected YAML ---\n");
        foreach (var entry in result.Entries)
        {
            report.Append(CultureInfo.InvariantCulture, $"# document {entry.Document}: {entry.Name}: {entry.Result.Decision}: {entry.Result.Reason}\n");
            foreach (var message in entry.Result.Errors.Concat(entry.Result.Warnings))
            {
                report.Append("#   ").Append(message).Append('\n');
            }
        }

        return report.ToString();
    }

    private static void AssertPatchesApply(string input, ManifestInjection result, string defaultNamespace)
    {
        var originals = ManifestDocument.Split(input).Select(ManifestObject.Parse).ToDictionary(o => o.Document.Number);
        foreach (var entry in result.Entries.Where(e => e.Result.Decision == InjectionDecision.Injected))
        {
            var template = ManifestInjector.Template(originals[entry.Document].Typed!, defaultNamespace)!;
            var before = JsonNode.Parse(KubernetesJson.Serialize(new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = template.Metadata, Spec = template.Spec }))!;
            var patched = JsonPatchApplier.Apply(before, entry.Result.Patch);
            var expected = JsonNode.Parse(KubernetesJson.Serialize(entry.Result.Pod));
            Assert.True(JsonNode.DeepEquals(expected, patched), $"document {entry.Document}: applying the patch does not give the injected pod.\n{entry.Result.Patch.ToString()}");
        }
    }

    private static void AssertOutputValid(string output, string defaultNamespace)
    {
        foreach (var obj in ManifestDocument.Split(output).Select(ManifestObject.Parse))
        {
            if (obj.Typed is null or V1Namespace || ManifestInjector.Template(obj.Typed, defaultNamespace) is not { } template)
            {
                continue;
            }

            PodSpecInvariants.AssertValid(template.Spec, $"document {obj.Document.Number}");
            var proxy = template.Spec.Containers.Concat(template.Spec.InitContainers ?? []).FirstOrDefault(c => c.Name == ContractNames.ProxyContainerName);
            if (proxy is not null)
            {
                PodSpecInvariants.AssertRestricted(proxy);
                Assert.All(proxy.VolumeMounts, m => Assert.True(m.ReadOnlyProperty));
                var status = InjectionStatus.TryParse(template.Metadata.Annotations[ContractNames.Status]);
                Assert.NotNull(status);
                var appMounts = template.Spec.Containers.Where(c => c.Name != ContractNames.ProxyContainerName).SelectMany(c => c.VolumeMounts ?? []);
                Assert.DoesNotContain(appMounts, m => status.Volumes.Contains(m.Name));
            }
        }
    }
}
