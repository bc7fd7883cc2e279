using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Injector.Webhook.Tests.Support;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// Bad input never hurts: transport faults get a clear 4xx, anything JSON gets a well-formed AdmissionReview with
/// <c>allowed</c> set sensibly, and the server keeps serving.
/// </summary>
public sealed class BadInputTests(SingleWebhookFixture fixture) : IClassFixture<SingleWebhookFixture>
{
    private WebhookHost Host => fixture.Host;

    [Theory]
    [InlineData("/mutate")]
    [InlineData("/validate")]
    public async Task Rejects_WrongContentType_With415(string path)
    {
        using var response = await Host.PostAsync(path, AdmissionFixtures.PodCreate().ToJsonString(), "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_MissingContentType_With415()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(AdmissionFixtures.PodCreate().ToJsonString()));
        using var response = await Host.Client.PostAsync(new Uri(Host.BaseAddress, "/mutate"), content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("/mutate")]
    [InlineData("/validate")]
    public async Task Rejects_EmptyBody_With400(string path)
    {
        using var response = await Host.PostAsync(path, string.Empty);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("empty", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Rejects_BodyOver3MiB_With413(bool chunked)
    {
        var review = AdmissionFixtures.PodCreate();
        review["request"]!["object"]!["metadata"]!["annotations"]!["padding"] = new string('x', (3 * 1024 * 1024) + 10);
        var bytes = Encoding.UTF8.GetBytes(review.ToJsonString());
        using HttpContent content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Host.BaseAddress, "/mutate")) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        HttpResponseMessage response;
        try
        {
            response = await Host.Client.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            // Kestrel may answer 413 and close before the client finished sending; that is a refusal too.
            await AssertStillServesAsync();
            return;
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Accepts_BodyJustUnderTheLimit()
    {
        var review = AdmissionFixtures.PodCreate();
        review["request"]!["object"]!["metadata"]!["annotations"]!["padding"] = new string('x', (3 * 1024 * 1024) - 8 * 1024);
        using var response = await Host.PostAsync("/validate", review.ToJsonString());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.Equal(review["request"]!["uid"]!.GetValue<string>(), answer.Uid);
    }

    public static TheoryData<string, string> Malformed() => new()
    {
        { "not json", "{ this is not json" },
        { "json array", "[1,2,3]" },
        { "json null", "null" },
        { "wrong kind", """{"apiVersion":"admission.k8s.io/v1","kind":"Pod","request":{"uid":"u1"}}""" },
        { "wrong apiVersion", """{"apiVersion":"admission.k8s.io/v2","kind":"AdmissionReview","request":{"uid":"u2"}}""" },
        { "no request", """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""" },
        { "no uid", """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","object":{}}}""" },
        { "uid is a number", """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":42}}""" },
        { "no object", """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u3","namespace":"fx","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE"}}""" },
        { "object is a string", """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u4","namespace":"fx","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","object":"pod"}}""" },
        { "object is not a pod", """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u5","namespace":"fx","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","object":{"spec":{"containers":"many"}}}}""" },
        { "labels are an array", """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u6","namespace":"fx","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","object":{"metadata":{"labels":[1]}}}}""" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Refuses_UndecodableReview_InAWellFormedAnswer(string what, string body)
    {
        foreach (var path in new[] { "/mutate", "/validate" })
        {
            using var response = await Host.PostAsync(path, body);
            var answer = await AdmissionAnswer.ReadAsync(response);
            Assert.False(answer.Allowed, $"{what} on {path} was allowed");
            Assert.False(string.IsNullOrWhiteSpace(answer.Message), what);
            Assert.Equal(400, answer.Response["status"]!["code"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Refuses_DeploymentWithUndecodableTemplate_OnValidate()
    {
        using var response = await Host.PostAsync("/validate", """{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u7","namespace":"fx","kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"CREATE","object":{"spec":{"template":7}}}}""");
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.False(answer.Allowed);
        Assert.Equal("admission.k8s.io/v1beta1", answer.Body["apiVersion"]!.GetValue<string>());
        Assert.Contains("Deployment", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_WrongApiVersion_InV1_WithTheUid()
    {
        using var response = await Host.PostAsync("/mutate", """{"apiVersion":"admission.k8s.io/v2","kind":"AdmissionReview","request":{"uid":"keep-me"}}""");
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.Equal("admission.k8s.io/v1", answer.Body["apiVersion"]!.GetValue<string>());
        Assert.Equal("keep-me", answer.Uid);
    }

    public static TheoryData<string, string, string?, string> NotOurBusiness() => new()
    {
        { "ConfigMap", "", null, "CREATE" },
        { "Service", "", null, "CREATE" },
        { "Widget", "example.io", null, "CREATE" },
        { "Pod", "", "exec", "CONNECT" },
        { "Pod", "", "status", "UPDATE" },
        { "Pod", "", "binding", "CREATE" },
        { "Pod", "", "ephemeralcontainers", "UPDATE" },
        { "Pod", "", null, "DELETE" },
        { "Deployment", "extensions", null, "CREATE" },
    };

    [Theory]
    [MemberData(nameof(NotOurBusiness))]
    public async Task Allows_UnhandledKindsOperationsAndSubresources_Unchanged(string kind, string group, string? subResource, string operation)
    {
        var review = AdmissionFixtures.PodCreate();
        var request = review["request"]!.AsObject();
        request["kind"] = new JsonObject { ["group"] = group, ["version"] = "v1", ["kind"] = kind };
        request["operation"] = operation;
        if (subResource is not null)
        {
            request["subResource"] = subResource;
        }

        if (operation == "DELETE")
        {
            request["oldObject"] = request["object"]!.DeepClone();
            request["object"] = null;
        }

        foreach (var path in new[] { "/mutate", "/validate" })
        {
            using var response = await Host.PostAsync(path, review.ToJsonString());
            var answer = await AdmissionAnswer.ReadAsync(response);
            Assert.True(answer.Allowed, $"{kind}/{subResource}/{operation} on {path}: {answer.Message}");
            Assert.Null(answer.Patch);
        }
    }

    /// <summary>
    /// At least 1,000 malformed or random bodies, on one keep-alive connection: every answer is a 4xx with a body
    /// or a well-formed AdmissionReview, and the server still answers /healthz afterwards.
    /// </summary>
    [Fact]
    public async Task Survives_ThousandsOfMalformedBodies()
    {
        var random = new Random(4242);
        var seeds = AdmissionFixtures.All().Select(f => AdmissionFixtures.Review(f.Version, f.File).ToJsonString()).ToList();
        var answered = 0;
        for (var i = 0; i < 1200; i++)
        {
            var body = Mutate(seeds[random.Next(seeds.Count)], random, i);
            var path = i % 2 == 0 ? "/mutate" : "/validate";
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(i % 97 == 0 ? "application/xml" : "application/json");
            using var response = await Host.Client.PostAsync(new Uri(Host.BaseAddress, path), content);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var json = JsonNode.Parse(text)!.AsObject();
                Assert.Equal("AdmissionReview", json["kind"]!.GetValue<string>());
                Assert.NotNull(json["response"]!["uid"]);
                var allowed = json["response"]!["allowed"]!.GetValue<bool>();
                Assert.True(allowed || json["response"]!["status"]?["message"] is not null, $"refusal without a message for body #{i}");
            }
            else
            {
                Assert.Contains((int)response.StatusCode, new[] { 400, 413, 415 });
                Assert.False(string.IsNullOrEmpty(text));
            }

            answered++;
        }

        Assert.Equal(1200, answered);
        await AssertStillServesAsync();
    }

    private static byte[] Mutate(string seed, Random random, int i)
    {
        var bytes = Encoding.UTF8.GetBytes(seed);
        switch (i % 8)
        {
            case 0:
                return bytes[..random.Next(bytes.Length)];
            case 1:
                for (var k = 0; k < 1 + random.Next(20); k++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 2:
                var garbage = new byte[random.Next(1, 4096)];
                random.NextBytes(garbage);
                return garbage;
            case 3:
                return Encoding.UTF8.GetBytes(Swap(seed, random, "\"", "'"));
            case 4:
                var node = JsonNode.Parse(seed)!.AsObject();
                RemoveRandomField(node, random);
                return Encoding.UTF8.GetBytes(node.ToJsonString());
            case 5:
                var typed = JsonNode.Parse(seed)!.AsObject();
                ReplaceRandomValue(typed, random);
                return Encoding.UTF8.GetBytes(typed.ToJsonString());
            case 6:
                return Encoding.UTF8.GetBytes(new string('[', random.Next(1, 5000)));
            default:
                return Encoding.UTF8.GetBytes(seed.Replace("Pod", random.Next(2) == 0 ? "Pud" : "Deployment", StringComparison.Ordinal));
        }
    }

    private static string Swap(string seed, Random random, string from, string to)
    {
        var index = seed.IndexOf(from, random.Next(seed.Length), StringComparison.Ordinal);
        return index < 0 ? seed : string.Concat(seed.AsSpan(0, index), to, seed.AsSpan(index + from.Length));
    }

    private static List<(JsonObject Parent, string Key)> Fields(JsonNode root)
    {
        var fields = new List<(JsonObject, string)>();
        void Walk(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, value) in obj)
                {
                    fields.Add((obj, key));
                    Walk(value);
                }
            }
            else if (node is JsonArray array)
            {
                foreach (var item in array)
                {
                    Walk(item);
                }
            }
        }

        Walk(root);
        return fields;
    }

    private static void RemoveRandomField(JsonObject root, Random random)
    {
        var fields = Fields(root);
        var (parent, key) = fields[random.Next(fields.Count)];
        parent.Remove(key);
    }

    private static void ReplaceRandomValue(JsonObject root, Random random)
    {
        var fields = Fields(root);
        var (parent, key) = fields[random.Next(fields.Count)];
        parent[key] = (random.Next(6)) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Next()),
            2 => JsonValue.Create("x"),
            3 => new JsonArray(1, "two", null),
            4 => new JsonObject { ["unexpected"] = true },
            _ => JsonValue.Create(-1.5e300),
        };
    }

    private async Task AssertStillServesAsync()
    {
        using var health = await Host.Client.GetAsync(new Uri(Host.BaseAddress, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var real = await Host.PostAsync("/mutate", AdmissionFixtures.PodCreate().ToJsonString());
        Assert.True((await AdmissionAnswer.ReadAsync(real)).Allowed);
    }
}
