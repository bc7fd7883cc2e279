using System.Text.Json.Nodes;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Testing;
using k8s;
using k8s.Models;

namespace Injector.Core.Tests.Injection;

public sealed class RecordedPodTests
{
    [Fact]
    public void Injects_RecordedPod_AndPatchApplies()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Fixtures, "admission", "v1.28", "01-v1-Pod-CREATE.json")))!;
        var obj = file["review"]!["request"]!["object"]!;
        var pod = KubernetesJson.Deserialize<V1Pod>(obj.ToJsonString());
        var result = new PodInjector(new InjectorOptions()).Inject(pod, NamespaceInfo.Empty("capture-128"), ClusterInfo.FromVersion("1", "28"));
        Assert.Equal(InjectionDecision.Injected, result.Decision);
        var original = JsonNode.Parse(KubernetesJson.Serialize(pod))!;
        var patched = JsonPatchApplier.Apply(original, result.Patch);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(KubernetesJson.Serialize(result.Pod)), patched), result.Patch.ToString());

        // The result carries the status it wrote, so readers (the NetworkPolicy advice) need not parse it back.
        Assert.Equal(result.Pod.Metadata.Annotations[Contract.ContractNames.Status], Assert.IsType<InjectionStatus>(result.Status).ToJson());
    }
}
