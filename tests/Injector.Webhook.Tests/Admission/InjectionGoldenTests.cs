using System.Text.Json.Nodes;
using Injector.Core.Manifests;
using Injector.Testing;
using Injector.Testing.Kube;
using Injector.Webhook.Tests.Support;
using k8s;
using k8s.Models;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// The golden cases of Core (tests/Injector.Core.Tests/testdata/inject) through <c>/mutate</c>: every pod or pod
/// template of a case is sent as a Pod CREATE to the real webhook, its patch is applied with an independent JSON
/// Patch implementation, and the result must be the pod of <c>CASE.injected.yaml</c>. The case's namespaces are
/// served by the fake API server, so namespace opt-in and defaults come the way they do in a cluster.
/// </summary>
public sealed class InjectionGoldenTests
{
    private static readonly string CaseDirectory = Path.Combine(RepositoryPaths.Root, "tests", "Injector.Core.Tests", "testdata", "inject");

    public static TheoryData<string> Cases() => new(Golden.Cases(CaseDirectory, ".injected.yaml"));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Mutate_GivesTheGoldenPod(string name)
    {
        var input = await File.ReadAllTextAsync(Path.Combine(CaseDirectory, name + ".yaml"));
        var golden = await File.ReadAllTextAsync(Path.Combine(CaseDirectory, name + ".injected.yaml"));
        var (settings, sidecarGate, defaultNamespace) = ReadHeader(input);

        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        api.SidecarContainersGate = sidecarGate;
        var inputs = ManifestDocument.Split(input).Select(ManifestObject.Parse).ToList();

        // Namespaces the case only names are plain ones, as the CLI takes them; declared ones come with their labels.
        var named = inputs.Where(o => o.Typed is not null and not V1Namespace).Select(o => ManifestInjector.Template(o.Typed!, defaultNamespace)?.Namespace).Append(defaultNamespace);
        foreach (var ns in named.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            api.Put(ResourceType.Namespaces, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        }

        foreach (var ns in inputs.Select(o => o.Typed).OfType<V1Namespace>())
        {
            api.Put(ResourceType.Namespaces, KubernetesJson.Serialize(ns));
        }

        await using var host = await WebhookHost.StartAsync(api, settings);
        var expected = ManifestDocument.Split(golden).Select(ManifestObject.Parse).ToDictionary(o => o.Document.Number);
        var checkedPods = 0;
        foreach (var obj in inputs)
        {
            if (obj.Typed is null or V1Namespace || ManifestInjector.Template(obj.Typed, defaultNamespace) is not { } template)
            {
                continue;
            }

            var pod = PodOf(template.Metadata, template.Spec);
            var namespaceName = template.Namespace ?? defaultNamespace;
            using var response = await host.PostAsync("/mutate", Review(pod, namespaceName).ToJsonString());
            var answer = await AdmissionAnswer.ReadAsync(response);
            var mutated = JsonNode.Parse(Golden.Normalize((answer.Patch is { } patch ? JsonPatchApplier.Apply(pod, patch) : pod).ToJsonString()))!;

            var want = ManifestInjector.Template(expected[obj.Document.Number].Typed!, defaultNamespace)!;
            var wanted = PodOf(want.Metadata, want.Spec);
            Assert.True(JsonNode.DeepEquals(wanted, mutated), $"{name}, document {obj.Document.Number}: /mutate ({answer.Response["warnings"]?.ToJsonString()}, {answer.Message}) gives\n{mutated}\nnot the golden\n{wanted}");
            checkedPods++;
        }

        Assert.True(checkedPods > 0 || !inputs.Any(o => o.Typed is not null and not V1Namespace), $"{name}: no pod or workload was sent");
    }

    /// <summary>
    /// The case's header as webhook settings: <c># sidecar-mode:</c> as configured; <c># kube-version: 1.28</c> as a
    /// server whose probe says no native sidecars; newer or no version as one that has them (Core's goldens decide
    /// an unknown version as native).
    /// </summary>
    private static (Dictionary<string, string?> Settings, bool SidecarGate, string Namespace) ReadHeader(string input)
    {
        // No Injector:ProxyImage: the webhook's default is the image the goldens normalize (BuildInfo.ProxyImage).
        var settings = new Dictionary<string, string?> { ["POD_NAMESPACE"] = "tls-injector" };
        var gate = true;
        var ns = "default";
        foreach (var line in input.Split('\n').TakeWhile(l => l.StartsWith('#')))
        {
            var parts = line.TrimStart('#').Split(':', 2, StringSplitOptions.TrimEntries);
            switch (parts[0])
            {
                case "sidecar-mode":
                    settings["Injector:SidecarMode"] = parts[1];
                    break;
                case "kube-version":
                    gate = Version.Parse(parts[1]) >= new Version(1, 29);
                    break;
                case "namespace":
                    ns = parts[1];
                    break;
            }
        }

        return (settings, gate, ns);
    }

    private static JsonNode PodOf(V1ObjectMeta metadata, V1PodSpec spec)
        => JsonNode.Parse(KubernetesJson.Serialize(new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = metadata, Spec = spec }))!;

    private static JsonObject Review(JsonNode pod, string namespaceName) => new()
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = Guid.NewGuid().ToString(),
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["namespace"] = namespaceName,
            ["operation"] = "CREATE",
            ["userInfo"] = new JsonObject { ["username"] = "golden" },
            ["object"] = pod.DeepClone(),
            ["dryRun"] = false,
        },
    };
}
