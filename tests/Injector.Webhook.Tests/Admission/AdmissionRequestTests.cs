using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Injector.Core.Admission;
using Injector.Webhook.Admission;
using Injector.Webhook.Tests.Support;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// The review's <c>request</c> as the source-generated reader reads it: every recorded review (kube-apiserver v1.19
/// and v1.28) reads as the JSON says, and wrong input fails with the path in the message.
/// </summary>
public sealed class AdmissionRequestTests
{
    public static TheoryData<string, string> Recordings()
    {
        var data = new TheoryData<string, string>();
        foreach (var (version, file) in AdmissionFixtures.All())
        {
            data.Add(version, file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public void Reads_EveryRecordedReview_AsItsJsonSays(string version, string file)
    {
        var json = AdmissionFixtures.Review(version, file);
        var body = Encoding.UTF8.GetBytes(json.ToJsonString());
        var request = ReadReview(body)!;
        var expected = json["request"]!;

        Assert.Equal(expected["uid"]?.GetValue<string>(), request.Uid);
        Assert.Equal(expected["kind"]?["group"]?.GetValue<string>(), request.Kind?.Group);
        Assert.Equal(expected["kind"]?["version"]?.GetValue<string>(), request.Kind?.Version);
        Assert.Equal(expected["kind"]?["kind"]?.GetValue<string>(), request.Kind?.Kind);
        Assert.Equal(expected["resource"]?["resource"]?.GetValue<string>(), request.Resource?.Resource);
        Assert.Equal(expected["resource"]?["group"]?.GetValue<string>(), request.Resource?.Group);
        Assert.Equal(expected["subResource"]?.GetValue<string>(), request.SubResource);
        Assert.Equal(expected["name"]?.GetValue<string>(), request.Name);
        Assert.Equal(expected["namespace"]?.GetValue<string>(), request.Namespace);
        Assert.Equal(expected["operation"]?.GetValue<string>(), request.Operation);
        Assert.Equal(expected["dryRun"]?.GetValue<bool>(), request.DryRun);
        if (expected["object"] is { } obj)
        {
            Assert.True(request.HasObject);
            Assert.True(JsonNode.DeepEquals(obj, JsonNode.Parse(request.ObjectJson)));
        }
        else
        {
            Assert.False(request.HasObject);
            Assert.True(request.ObjectJson.IsEmpty);
        }
    }

    [Fact]
    public void Skips_UnknownMembers_IgnoresOtherCasings_TakesTheLastOfDuplicates_AndReadsNullAsAbsent()
    {
        var request = ReadRequest("""
            {"future":{"nested":[1,{"uid":"not-this"}],"s":"}"},"UID":"wrong-case","uid":"first","uid":"last",
             "kind":{"group":"apps","extra":[true],"version":"v1","kind":"Deployment"},"kind2":null,
             "object":null,"oldObject":{"kind":"Pod"},"dryRun":null,"resource":null,"options":{"kind":"CreateOptions"}}
            """u8.ToArray())!;

        Assert.Equal("last", request.Uid);
        Assert.Equal(new GroupVersionKind { Group = "apps", Version = "v1", Kind = "Deployment" }, request.Kind);
        Assert.False(request.HasObject);
        Assert.Null(request.DryRun);
        Assert.Null(request.Resource);
    }

    [Theory]
    [InlineData("""{"uid":42}""", "Path: $.request.uid")]
    [InlineData("""{"uid":"u","kind":"Pod"}""", "Path: $.request.kind")]
    [InlineData("""{"uid":"u","kind":{"kind":["Pod"]}}""", "Path: $.request.kind.kind")]
    [InlineData("""{"uid":"u","resource":{"group":1}}""", "Path: $.request.resource.group")]
    [InlineData("""{"uid":"u","dryRun":"yes"}""", "Path: $.request.dryRun")]
    [InlineData("""["uid"]""", "Path: $.request")]
    public void Refuses_WrongTypes_NamingTheField(string request, string message)
    {
        var ex = Assert.Throws<JsonException>(() => ReadRequest(Encoding.UTF8.GetBytes(request)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_AJsonRequestCutShort()
        => Assert.ThrowsAny<JsonException>(() => ReadRequest("""{"uid":"u","object":{"kind":"Pod","""u8.ToArray()));

    [Fact]
    public void LeavesAJsonNullRequest_Null()
        => Assert.Null(JsonSerializer.Deserialize("""{"kind":"AdmissionReview","request":null}"""u8, AdmissionJsonContext.Default.AdmissionReview)!.Request);

    /// <summary>The request of the review <c>{"request":…}</c>.</summary>
    private static AdmissionRequest? ReadRequest(byte[] request) => ReadReview([.. "{\"request\":"u8, .. request, .. "}"u8]);

    /// <summary>The request of a whole review body.</summary>
    private static AdmissionRequest? ReadReview(byte[] body) => JsonSerializer.Deserialize(body, AdmissionJsonContext.Default.AdmissionReview)!.Request;
}
