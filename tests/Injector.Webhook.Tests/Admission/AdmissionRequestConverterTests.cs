using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Injector.Webhook.Admission;
using Injector.Webhook.Tests.Support;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// The hand-written reader of <c>request</c>: every recorded review (kube-apiserver v1.19 and v1.28) reads as the
/// JSON says, and wrong input fails the way System.Text.Json would, with the path in the message.
/// </summary>
public sealed class AdmissionRequestConverterTests
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
            var range = Assert.NotNull(request.ObjectRange);
            Assert.True(JsonNode.DeepEquals(obj, JsonNode.Parse(body.AsSpan()[range])));
        }
        else
        {
            Assert.Null(request.ObjectRange);
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
        Assert.Null(request.ObjectRange);
        Assert.Null(request.DryRun);
        Assert.Null(request.Resource);
    }

    [Theory]
    [InlineData("""{"uid":42}""", "request.uid must be a string")]
    [InlineData("""{"uid":"u","kind":"Pod"}""", "request.kind must be a JSON object")]
    [InlineData("""{"uid":"u","kind":{"kind":["Pod"]}}""", "request.kind.kind must be a string")]
    [InlineData("""{"uid":"u","resource":{"group":1}}""", "request.resource.group must be a string")]
    [InlineData("""{"uid":"u","dryRun":"yes"}""", "request.dryRun must be true or false")]
    [InlineData("""["uid"]""", "request must be a JSON object")]
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

    /// <summary>The request of a whole review body; the object's range counts from the body's start.</summary>
    private static AdmissionRequest? ReadReview(byte[] body) => JsonSerializer.Deserialize(body, AdmissionJsonContext.Default.AdmissionReview)!.Request;
}
