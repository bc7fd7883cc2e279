using System.Text.Json.Nodes;
using Injector.Core.Patching;
using Injector.Core.Workloads;
using Injector.Testing;
using k8s;
using k8s.Models;

namespace Injector.Core.Tests.Patching;

/// <summary>
/// Pods as the API server holds them (KubernetesClient's JSON). Each patch is proven by applying it with
/// Microsoft.AspNetCore.JsonPatch and comparing JSON.
/// </summary>
public sealed class JsonPatchDiffTests
{
    private const string Ports = """{"spec":{"containers":[{"name":"app","ports":[{"name":"http","containerPort":8080}]}]}}""";

    [Theory]
    [InlineData("{}", "{}", 0)]
    [InlineData("""{"metadata":{}}""", """{"metadata":{"annotations":{"tls-injector.io/status":"x"}}}""", 1)]
    [InlineData("""{"metadata":{"annotations":{"a":"1"}}}""", """{"metadata":{"annotations":{"a":"1","tls-injector.io/status":"x","weird~key":"y"}}}""", 2)]
    [InlineData("""{"metadata":{"annotations":{"a":"1","b":"2"}}}""", """{"metadata":{"annotations":{"a":"1"}}}""", 1)]
    [InlineData("""{"spec":{"hostname":"a","subdomain":"b"}}""", """{"spec":{"hostname":"a"}}""", 1)]
    [InlineData("""{"spec":{"hostname":"s"}}""", """{"spec":{"hostname":"t","priority":5}}""", 2)]
    [InlineData("""{"spec":{"containers":[{"name":"c","args":["1","2","3"]}]}}""", """{"spec":{"containers":[{"name":"c","args":["0","1","2","3"]}]}}""", 1)]
    [InlineData("""{"spec":{"containers":[{"name":"c","args":["1","2","3"]}]}}""", """{"spec":{"containers":[{"name":"c","args":["1","2","3","4"]}]}}""", 1)]
    [InlineData("""{"spec":{"containers":[{"name":"c","args":["1","2","3"]}]}}""", """{"spec":{"containers":[{"name":"c","args":["1","3"]}]}}""", 1)]
    [InlineData("""{"spec":{"containers":[{"name":"c","args":["1","2","3"]}]}}""", """{"spec":{"containers":[{"name":"c","args":["3","2","1"]}]}}""", 2)]
    [InlineData("""{"spec":{"containers":[{"name":"x","image":"1"},{"name":"y","image":"2"}]}}""", """{"spec":{"containers":[{"name":"p"},{"name":"x","image":"1"},{"name":"y","image":"3"}]}}""", 2)]
    [InlineData("""{"spec":{"containers":[{"name":"x"},{"name":"y"}]}}""", """{"spec":{"containers":[{"name":"y"},{"name":"x"}]}}""", 2)]
    [InlineData("""{"spec":{"containers":[{"name":"x"},{"name":"y"},{"name":"z"}]}}""", """{"spec":{"containers":[{"name":"x"},{"name":"z"}]}}""", 1)]
    [InlineData(Ports, """{"spec":{"containers":[{"name":"app","ports":[{"containerPort":8080}]}]}}""", 1)]
    [InlineData(Ports, """{"spec":{"containers":[{"name":"app","ports":[{"name":"http","containerPort":8443}]}]}}""", 1)]
    [InlineData("""{"spec":{"containers":[{"name":"app","readinessProbe":{"httpGet":{"port":"http","path":"/"}},"resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}}""", """{"spec":{"containers":[{"name":"app","readinessProbe":{"httpGet":{"port":9000,"path":"/"}},"resources":{"limits":{"cpu":"1","memory":"2Gi"}}}]}}""", 2)]
    public void Creates_PatchThatApplies(string from, string to, int expectedOperations)
    {
        var patch = JsonPatchDiff.Create(Node(from), Node(to));

        var patched = JsonPatchApplier.Apply(JsonNode.Parse(from)!, patch);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(to), patched), $"{patch} applied to {from} gives {patched.ToJsonString()}");
        Assert.Equal(expectedOperations, patch.Count);
    }

    [Fact]
    public void Finds_NoDifference_BetweenEqualPods()
    {
        var json = KubernetesJson.Serialize(KubernetesJson.Deserialize<V1Pod>(RecordedPod()));

        var patch = JsonPatchDiff.Create(Node(json), Node(json));

        Assert.True(patch.Count == 0, patch.ToString());
        Assert.Equal("[]", patch.ToString());
    }

    [Fact]
    public void Escapes_SlashAndTilde_InPointers()
    {
        var patch = JsonPatchDiff.Create(Node("""{"metadata":{"annotations":{}}}"""), Node("""{"metadata":{"annotations":{"tls-injector.io/status":"x","a~b":"y"}}}"""));

        var paths = patch.ToJsonArray().Select(op => op!["path"]!.GetValue<string>()).ToList();

        Assert.Contains("/metadata/annotations/tls-injector.io~1status", paths);
        Assert.Contains("/metadata/annotations/a~0b", paths);
    }

    [Fact]
    public void Patches_OnlyWhatChanged_InARecordedPod()
    {
        var original = Pod(RecordedPod());
        var container = original.Spec.Containers[0];
        var copy = original with
        {
            Spec = original.Spec with { Containers = [container with { Image = "example/app:2" }] },
        };

        var patch = JsonPatchDiff.Create(KubernetesModelJson.ToNode(original), KubernetesModelJson.ToNode(copy));

        var op = Assert.Single(patch.ToJsonArray());
        Assert.Equal("/spec/containers/0/image", op!["path"]!.GetValue<string>());
        Assert.Equal("example/app:2", op["value"]!.GetValue<string>());
    }

    private static V1Pod Pod(string json) => KubernetesJson.Deserialize<V1Pod>(json);

    private static JsonNode Node(string json) => KubernetesModelJson.ToNode(Pod(json));

    private static string RecordedPod()
        => JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Fixtures, "admission", "v1.28", "01-v1-Pod-CREATE.json")))!["review"]!["request"]!["object"]!.ToJsonString();
}
