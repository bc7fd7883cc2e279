using System.Text.Json.Nodes;
using Injector.Testing;

namespace Injector.Webhook.Tests.Support;

/// <summary>The AdmissionReview requests recorded from kube-apiserver v1.19 and v1.28 (tests/fixtures/admission/).</summary>
internal static class AdmissionFixtures
{
    public static string Directory => Path.Combine(RepositoryPaths.Fixtures, "admission");

    /// <summary>Every recording as (version folder, file name).</summary>
    public static IEnumerable<(string Version, string File)> All()
        => System.IO.Directory.GetDirectories(Directory).Order(StringComparer.Ordinal)
            .SelectMany(d => System.IO.Directory.GetFiles(d, "*.json").Order(StringComparer.Ordinal)
                .Select(f => (Path.GetFileName(d), Path.GetFileName(f))));

    /// <summary>The AdmissionReview as the API server sent it.</summary>
    public static JsonObject Review(string version, string file)
        => JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, version, file)))!["review"]!.AsObject();

    /// <summary>A realistic review to mutate: the recorded v1 Pod CREATE of a 1.28 server.</summary>
    public static JsonObject PodCreate() => Review("v1.28", "01-v1-Pod-CREATE.json");

    /// <summary>The recorded Deployment CREATE, moved to <paramref name="namespaceName"/>, its pods labelled <c>app=web</c>, opted in, naming <paramref name="secretName"/>.</summary>
    public static string OptedInDeployment(string namespaceName, string secretName)
    {
        var review = Review("v1.28", "15-v1-Deployment-CREATE.json");
        var request = review["request"]!;
        request["namespace"] = namespaceName;
        if (request["object"]!["metadata"]!["namespace"] is not null)
        {
            request["object"]!["metadata"]!["namespace"] = namespaceName;
        }

        var template = request["object"]!["spec"]!["template"]!["metadata"]!;
        template["labels"] = new JsonObject { ["app"] = "web", ["tls-injector.io/inject"] = "true" };
        template["annotations"]!["tls-injector.io/secret"] = secretName;
        return review.ToJsonString();
    }
}
