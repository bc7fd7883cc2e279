using System.Diagnostics.CodeAnalysis;
using Injector.Core.Workloads;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Injector.Core.Manifests;

/// <summary>One parsed manifest document: its kind, and the typed object when it is a kind the injector handles.</summary>
/// <remarks>For the CLI: YAML is read with YamlDotNet's and KubernetesClient's reflection-based deserializers.</remarks>
[RequiresUnreferencedCode(YamlReflection.Reason)]
[RequiresDynamicCode(YamlReflection.Reason)]
public sealed record ManifestObject(ManifestDocument Document, string? ApiVersion, string? Kind, object? Typed)
{
    private static readonly IDeserializer HeaderReader = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();

    private static readonly Dictionary<string, IReadOnlyList<string>> ExpectedApiVersions = new(WorkloadKinds.ApiVersions, StringComparer.Ordinal)
    {
        ["Namespace"] = ["v1"],
        ["Secret"] = ["v1"],
        ["Service"] = ["v1"],
    };

    /// <summary>
    /// Parses a document. Handled kinds are read strictly (an unknown field is an error, as
    /// <c>kubectl apply --validate=strict</c> would say); other kinds only need to be YAML.
    /// </summary>
    public static ManifestObject Parse(ManifestDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.IsEmpty)
        {
            return new ManifestObject(document, null, null, null);
        }

        Dictionary<string, object?>? header;
        try
        {
            header = HeaderReader.Deserialize<Dictionary<string, object?>>(document.Text);
        }
        catch (YamlException ex)
        {
            throw Error(document, ex);
        }

        var apiVersion = header?.GetValueOrDefault("apiVersion") as string;
        var kind = header?.GetValueOrDefault("kind") as string;
        if (kind is null || !ExpectedApiVersions.TryGetValue(kind, out var expected) || apiVersion is null || !expected.Contains(apiVersion))
        {
            return new ManifestObject(document, apiVersion, kind, null);
        }

        try
        {
            object typed = kind switch
            {
                WorkloadKinds.Pod => KubernetesYaml.Deserialize<V1Pod>(document.Text, strict: true),
                WorkloadKinds.Deployment => KubernetesYaml.Deserialize<V1Deployment>(document.Text, strict: true),
                WorkloadKinds.StatefulSet => KubernetesYaml.Deserialize<V1StatefulSet>(document.Text, strict: true),
                WorkloadKinds.DaemonSet => KubernetesYaml.Deserialize<V1DaemonSet>(document.Text, strict: true),
                WorkloadKinds.ReplicaSet => KubernetesYaml.Deserialize<V1ReplicaSet>(document.Text, strict: true),
                WorkloadKinds.Job => KubernetesYaml.Deserialize<V1Job>(document.Text, strict: true),
                WorkloadKinds.CronJob => KubernetesYaml.Deserialize<V1CronJob>(document.Text, strict: true),
                "Secret" => KubernetesYaml.Deserialize<V1Secret>(document.Text, strict: true),
                "Service" => KubernetesYaml.Deserialize<V1Service>(document.Text, strict: true),
                _ => KubernetesYaml.Deserialize<V1Namespace>(document.Text, strict: true),
            };
            return new ManifestObject(document, apiVersion, kind, typed);
        }
        catch (YamlException ex)
        {
            throw Error(document, ex);
        }
    }

    private static ManifestException Error(ManifestDocument document, YamlException ex)
    {
        var line = document.StartLine + Math.Max(0, (int)ex.Start.Line - 1);
        var reason = (ex.InnerException?.Message ?? ex.Message).Split('\n')[0];
        return new ManifestException($"document {document.Number} (line {line}): {reason}", ex);
    }
}
