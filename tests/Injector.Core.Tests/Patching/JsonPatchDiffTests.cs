using System.Text.Json.Nodes;
using Injector.Core.Patching;
using Injector.Testing;

namespace Injector.Core.Tests.Patching;

/// <summary>Every case is proven by applying the patch with Microsoft.AspNetCore.JsonPatch and comparing.</summary>
public sealed class JsonPatchDiffTests
{
    [Theory]
    [InlineData("{}", "{}", 0)]
    [InlineData("""{"metadata":{}}""", """{"metadata":{"annotations":{"tls-injector.io/status":"x"}}}""", 1)]
    [InlineData("""{"metadata":{"annotations":{"a":"1"}}}""", """{"metadata":{"annotations":{"a":"1","tls-injector.io/status":"x","weird~key":"y"}}}""", 2)]
    [InlineData("""{"a":1,"b":2}""", """{"a":1}""", 1)]
    [InlineData("""{"a":[1,2,3]}""", """{"a":[0,1,2,3]}""", 1)]
    [InlineData("""{"a":[1,2,3]}""", """{"a":[1,2,3,4]}""", 1)]
    [InlineData("""{"a":[1,2,3]}""", """{"a":[1,3]}""", 1)]
    [InlineData("""{"a":[1,2,3]}""", """{"a":[3,2,1]}""", 2)]
    [InlineData("""{"a":[{"name":"x","v":1},{"name":"y","v":2}]}""", """{"a":[{"name":"p"},{"name":"x","v":1},{"name":"y","v":3}]}""", 2)]
    [InlineData("""{"a":[{"name":"x"},{"name":"y"}]}""", """{"a":[{"name":"y"},{"name":"x"}]}""", 2)]
    [InlineData("""{"a":[{"name":"x"},{"name":"y"},{"name":"z"}]}""", """{"a":[{"name":"x"},{"name":"z"}]}""", 1)]
    [InlineData("""{"a":"s","b":null}""", """{"a":5,"b":{"c":[true]}}""", 2)]
    [InlineData("""{"spec":{"containers":[{"name":"app","ports":[{"name":"http","containerPort":8080}]}]}}""", """{"spec":{"containers":[{"name":"app","ports":[{"containerPort":8080}]}]}}""", 1)]
    public void Creates_PatchThatApplies(string from, string to, int expectedOperations)
    {
        var patch = JsonPatchDiff.Create(from, to);

        var patched = JsonPatchApplier.Apply(JsonNode.Parse(from)!, patch);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(to), patched), $"{patch.ToJsonString()} applied to {from} gives {patched.ToJsonString()}");
        Assert.Equal(expectedOperations, patch.Count);
    }

    [Fact]
    public void Escapes_SlashAndTilde_InPointers()
    {
        var patch = JsonPatchDiff.Create("""{"metadata":{"annotations":{}}}""", """{"metadata":{"annotations":{"tls-injector.io/status":"x","a~b":"y"}}}""");
        var paths = patch.Select(op => op!["path"]!.GetValue<string>()).ToList();
        Assert.Contains("/metadata/annotations/tls-injector.io~1status", paths);
        Assert.Contains("/metadata/annotations/a~0b", paths);
    }
}
