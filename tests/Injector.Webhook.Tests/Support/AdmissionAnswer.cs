using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Injector.Webhook.Tests.Support;

/// <summary>A webhook answer read back as plain JSON (not through our own wire types), checked for shape.</summary>
internal sealed record AdmissionAnswer(HttpStatusCode StatusCode, JsonObject Body)
{
    public JsonObject Response => Body["response"]!.AsObject();

    public bool Allowed => Response["allowed"]!.GetValue<bool>();

    public string Uid => Response["uid"]!.GetValue<string>();

    public string? Message => Response["status"]?["message"]?.GetValue<string>();

    public IReadOnlyList<string> Warnings => Response["warnings"]?.AsArray().Select(w => w!.GetValue<string>()).ToList() ?? [];

    /// <summary>The decoded JSON patch; null when none was sent.</summary>
    public JsonArray? Patch => Response["patch"]?.GetValue<string>() is { } b64 ? JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(b64)))!.AsArray() : null;

    public static async Task<AdmissionAnswer> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("AdmissionReview", body["kind"]!.GetValue<string>());
        Assert.Null(body["request"]);
        var answer = new AdmissionAnswer(response.StatusCode, body);
        Assert.NotNull(answer.Response["uid"]);
        Assert.NotNull(answer.Response["allowed"]);
        if (answer.Patch is not null)
        {
            Assert.Equal("JSONPatch", answer.Response["patchType"]!.GetValue<string>());
        }

        return answer;
    }
}
