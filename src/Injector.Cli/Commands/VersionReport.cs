using System.Text.Json.Serialization;
using Injector.Cli.Doctor;

namespace Injector.Cli.Commands;

/// <summary>The <c>version -o json|yaml</c> document. <see cref="Webhook"/> is absent without <c>--cluster</c>.</summary>
internal sealed record VersionReport([property: JsonPropertyName("clientVersion")] string ClientVersion)
{
    [JsonPropertyName("webhook")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InstalledWebhookVersion? Webhook { get; init; }
}

/// <summary>The installed webhook: where it runs and what its Deployment says.</summary>
internal sealed record InstalledWebhookVersion(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("replicas")] int Replicas,
    [property: JsonPropertyName("readyReplicas")] int ReadyReplicas)
{
    public static InstalledWebhookVersion From(string namespaceName, InstalledWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return new(namespaceName, webhook.Version, webhook.Image, webhook.Replicas, webhook.ReadyReplicas);
    }
}
