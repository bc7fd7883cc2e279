using System.Text.Json.Serialization;
using k8s.Models;

namespace Injector.Cli.Doctor;

/// <summary>What the cluster runs: the webhook Deployment's version label (<c>unknown</c> without one), image and replicas.</summary>
internal sealed record InstalledWebhook(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("replicas")] int Replicas,
    [property: JsonPropertyName("readyReplicas")] int ReadyReplicas)
{
    public const string Unknown = "unknown";

    public static InstalledWebhook From(V1Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var version = Label(deployment.Metadata.Labels) ?? Label(deployment.Spec.Template.Metadata?.Labels) ?? Unknown;
        var containers = deployment.Spec.Template.Spec.Containers;
        var image = (containers.FirstOrDefault(c => c.Name == InstallNames.Container) ?? containers.FirstOrDefault())?.Image ?? Unknown;
        return new InstalledWebhook(version, image, deployment.Spec.Replicas ?? 1, deployment.Status?.ReadyReplicas ?? 0);
    }

    private static string? Label(IDictionary<string, string>? labels)
        => labels is not null && labels.TryGetValue(InstallNames.VersionLabel, out var value) ? value : null;
}
