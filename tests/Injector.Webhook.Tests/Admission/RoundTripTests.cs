using System.Text.Json.Nodes;
using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Testing;
using Injector.Webhook.Tests.Support;
using k8s;
using k8s.Models;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// Every recorded AdmissionReview is POSTed to the real webhook over HTTPS: the answer echoes the uid and the
/// version; pod CREATEs come back with a patch that, applied to the input by an independent JSON Patch library,
/// yields a valid pod carrying the sidecar; everything else is admitted unchanged.
/// </summary>
public sealed class RoundTripTests(RoundTripFixture fixture) : IClassFixture<RoundTripFixture>
{
    public static TheoryData<string, string> Recordings()
    {
        var data = new TheoryData<string, string>();
        foreach (var (version, file) in AdmissionFixtures.All())
        {
            data.Add(version, file);
        }

        Assert.True(data.Count >= 40, $"expected the recorded fixtures, found {data.Count}");
        return data;
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public async Task Mutate_AnswersEveryRecording(string version, string file)
    {
        var review = AdmissionFixtures.Review(version, file);
        var request = review["request"]!;
        using var response = await fixture.Host(version).PostAsync("/mutate", review.ToJsonString());
        var answer = await AdmissionAnswer.ReadAsync(response);

        Assert.Equal(review["apiVersion"]!.GetValue<string>(), answer.Body["apiVersion"]!.GetValue<string>());
        Assert.Equal(request["uid"]!.GetValue<string>(), answer.Uid);
        Assert.True(answer.Allowed, answer.Message);
        var isPodCreate = request["kind"]!["kind"]!.GetValue<string>() == "Pod" && request["operation"]!.GetValue<string>() == "CREATE";
        if (!isPodCreate)
        {
            Assert.Null(answer.Patch);
            Assert.Null(answer.Response["patchType"]);
            return;
        }

        var patch = Assert.IsType<JsonArray>(answer.Patch);
        var patched = JsonPatchApplier.Apply(request["object"]!, patch);
        var pod = KubernetesJson.Deserialize<V1Pod>(patched.ToJsonString());
        PodSpecInvariants.AssertValid(pod.Spec, file);

        // Native sidecars (an init container that keeps running) from 1.29, where SidecarContainers is on by default.
        var native = ClusterInfo.FromVersion("1", version["v1.".Length..]).ServerVersion >= ClusterInfo.NativeSidecarVersion;
        var sidecars = native ? pod.Spec.InitContainers : pod.Spec.Containers;
        Assert.True((sidecars ?? []).Any(c => c.Name == ContractNames.ProxyContainerName), $"no {ContractNames.ProxyContainerName} where expected; patch: {patch.ToJsonString()}");
        var sidecar = Assert.Single(sidecars ?? [], c => c.Name == ContractNames.ProxyContainerName);
        Assert.Equal(native ? "Always" : null, sidecar.RestartPolicy);
        Assert.True(pod.Metadata.Annotations.ContainsKey(ContractNames.Status));
        Assert.Equal(request["object"]!["metadata"]!["managedFields"]!.ToJsonString(), patched["metadata"]!["managedFields"]!.ToJsonString());

        // Reinvocation: the patched pod comes back and nothing more changes.
        var again = review.DeepClone().AsObject();
        again["request"]!["object"] = patched.DeepClone();
        using var second = await fixture.Host(version).PostAsync("/mutate", again.ToJsonString());
        var secondAnswer = await AdmissionAnswer.ReadAsync(second);
        Assert.True(secondAnswer.Allowed);
        Assert.Null(secondAnswer.Patch);
    }

    [Theory]
    [MemberData(nameof(Recordings))]
    public async Task Validate_AllowsEveryRecording(string version, string file)
    {
        var review = AdmissionFixtures.Review(version, file);
        using var response = await fixture.Host(version).PostAsync("/validate", review.ToJsonString());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.Equal(review["apiVersion"]!.GetValue<string>(), answer.Body["apiVersion"]!.GetValue<string>());
        Assert.Equal(review["request"]!["uid"]!.GetValue<string>(), answer.Uid);
        Assert.True(answer.Allowed, answer.Message);
        Assert.Null(answer.Patch);
    }

    [Theory]
    [InlineData("v1.19", "14-v1beta1-Deployment-CREATE.json")]
    [InlineData("v1.28", "25-v1-CronJob-CREATE.json")]
    [InlineData("v1.28", "07-v1-Pod-UPDATE.json")]
    [InlineData("v1.19", "23-v1-CronJob-CREATE.json")] // batch/v1beta1 CronJob in an admission.k8s.io/v1 review
    [InlineData("v1.19", "24-v1beta1-CronJob-CREATE.json")]
    public async Task Validate_Denies_WorkloadNamingAMissingSecret(string version, string file)
    {
        var review = AdmissionFixtures.Review(version, file);
        OptIn(review["request"]!["object"]!.AsObject());
        var json = review.ToJsonString().Replace("\"tls-injector.io/secret\":\"web-tls\"", "\"tls-injector.io/secret\":\"no-such-secret\"", StringComparison.Ordinal);
        Assert.Contains("no-such-secret", json, StringComparison.Ordinal);
        using var response = await fixture.Host(version).PostAsync("/validate", json);
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.False(answer.Allowed);
        Assert.Contains("no-such-secret", answer.Message, StringComparison.Ordinal);
        Assert.Contains("Fix: create it", answer.Message, StringComparison.Ordinal);
        Assert.Equal(403, answer.Response["status"]!["code"]!.GetValue<int>());
        Assert.Equal(review["apiVersion"]!.GetValue<string>(), answer.Body["apiVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Mutate_AnswersDryRunLikeTheRealThing()
    {
        var real = AdmissionFixtures.Review("v1.28", "01-v1-Pod-CREATE.json");
        var dry = real.DeepClone().AsObject();
        dry["request"]!["dryRun"] = true;
        dry["request"]!["uid"] = "dry-" + real["request"]!["uid"]!.GetValue<string>();
        using var realResponse = await fixture.Host("v1.28").PostAsync("/mutate", real.ToJsonString());
        using var dryResponse = await fixture.Host("v1.28").PostAsync("/mutate", dry.ToJsonString());
        var realAnswer = await AdmissionAnswer.ReadAsync(realResponse);
        var dryAnswer = await AdmissionAnswer.ReadAsync(dryResponse);
        Assert.Equal(realAnswer.Patch!.ToJsonString(), dryAnswer.Patch!.ToJsonString());
        Assert.Equal("dry-" + realAnswer.Uid, dryAnswer.Uid);
    }

    /// <summary>
    /// The pod is decoded from its bytes in the body: wherever the API server puts it, after multi-byte text and
    /// escaped quotes, indented, and in a body sent chunked (no Content-Length), the patch is the same.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mutate_ReadsTheObjectWhereverItSitsInTheBody(bool chunked)
    {
        var review = AdmissionFixtures.Review("v1.28", "01-v1-Pod-CREATE.json");
        using var plainResponse = await fixture.Host("v1.28").PostAsync("/mutate", review.ToJsonString());
        var plain = await AdmissionAnswer.ReadAsync(plainResponse);

        var request = review["request"]!.AsObject();
        var reordered = new JsonObject { ["object"] = request["object"]!.DeepClone() };
        foreach (var (key, value) in request.Where(p => p.Key != "object"))
        {
            reordered[key] = value?.DeepClone();
        }

        reordered["userInfo"]!["username"] = "système:\"}{\"Ω😀";
        var body = new JsonObject { ["request"] = reordered, ["kind"] = "AdmissionReview", ["apiVersion"] = review["apiVersion"]!.GetValue<string>() }
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.True(body.IndexOf("\"object\"", StringComparison.Ordinal) < body.IndexOf("\"uid\"", StringComparison.Ordinal));

        var host = fixture.Host("v1.28");
        using HttpContent content = chunked ? new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body))) : new StringContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, "/mutate")) { Content = content };
        message.Headers.TransferEncodingChunked = chunked;
        using var response = await host.Client.SendAsync(message);
        var answer = await AdmissionAnswer.ReadAsync(response);

        Assert.True(answer.Allowed, answer.Message);
        Assert.Equal(plain.Patch!.ToJsonString(), Assert.IsType<JsonArray>(answer.Patch).ToJsonString());
    }

    [Fact]
    public async Task Mutate_LeavesPodsOfExcludedNamespacesAlone()
    {
        var review = AdmissionFixtures.Review("v1.28", "01-v1-Pod-CREATE.json");
        review["request"]!["namespace"] = "kube-system";
        review["request"]!["object"]!["metadata"]!["namespace"] = "kube-system";
        using var response = await fixture.Host("v1.28").PostAsync("/mutate", review.ToJsonString());
        var answer = await AdmissionAnswer.ReadAsync(response);
        Assert.True(answer.Allowed);
        Assert.Null(answer.Patch);
    }

    /// <summary>Labels the pod (template) of a recorded object <c>tls-injector.io/inject=true</c>: only opted-in pods are checked.</summary>
    private static void OptIn(JsonObject obj)
    {
        var metadata = obj["spec"]?["jobTemplate"]?["spec"]?["template"]?["metadata"]
            ?? obj["spec"]?["template"]?["metadata"]
            ?? obj["metadata"]!;
        metadata["labels"] ??= new JsonObject();
        metadata["labels"]![ContractNames.PodInjectLabel] = "true";
    }
}
