using Injector.E2E.Support;
using k8s;
using k8s.Models;

namespace Injector.E2E.Manifests;

/// <summary>The documents of one kustomization, rendered by <c>kubectl kustomize</c> and loaded strictly into typed models.</summary>
internal sealed class RenderedManifests
{
    private RenderedManifests(string kustomization, string yaml, IReadOnlyList<object> objects)
    {
        Kustomization = kustomization;
        Yaml = yaml;
        Objects = objects;
    }

    /// <summary>Path of the kustomization under <c>manifests/</c>, e.g. <c>overlays/self-signed</c>.</summary>
    public string Kustomization { get; }

    public string Yaml { get; }

    public IReadOnlyList<object> Objects { get; }

    public static async Task<RenderedManifests> RenderAsync(string kustomization)
    {
        var kubectl = ExternalTool.Find("kubectl") ?? throw new InvalidOperationException("kubectl is not on PATH.");
        var directory = ManifestPaths.Of(kustomization);
        var result = await ExternalTool.RunAsync(kubectl, ["kustomize", directory], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {kustomization} failed:\n{result.StandardError}");
        return Load(kustomization, result.StandardOutput);
    }

    /// <summary><paramref name="kustomization"/> with a component added, as a user's own kustomization on top of it would.</summary>
    public static async Task<RenderedManifests> RenderWithComponentAsync(string kustomization, string component)
    {
        var kubectl = ExternalTool.Find("kubectl") ?? throw new InvalidOperationException("kubectl is not on PATH.");
        var dir = Directory.CreateTempSubdirectory("tls-injector-component-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "kustomization.yaml"), $"""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: ["{Path.GetRelativePath(dir, ManifestPaths.Of(kustomization))}"]
                components: ["{Path.GetRelativePath(dir, ManifestPaths.Of(component))}"]
                """);
            var result = await ExternalTool.RunAsync(kubectl, ["kustomize", dir], TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 0, $"kubectl kustomize {kustomization} + {component} failed:\n{result.StandardError}");
            return Load($"{kustomization} + {component}", result.StandardOutput);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Rendered YAML from elsewhere (e.g. <c>make dist</c>), loaded as strictly; <paramref name="name"/> labels failures.</summary>
    public static RenderedManifests Load(string name, string yaml)
    {
        // strict: an unknown field (a typo, or a field at the wrong level) throws instead of being dropped.
        var objects = KubernetesYaml.LoadAllFromString(yaml, ManifestTypeMap.Create(), strict: true);
        return new RenderedManifests(name, yaml, objects);
    }

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Single<T>(string name)
        where T : IMetadata<V1ObjectMeta>
    {
        var matches = Objects.OfType<T>().Where(o => o.Metadata.Name == name).ToList();
        Assert.True(matches.Count == 1, $"{Kustomization}: expected one {typeof(T).Name} named {name}, found {matches.Count}.");
        return matches[0];
    }
}
