using Injector.Core.Configuration;
using Injector.E2E.Support;
using Injector.Testing;
using k8s.Models;

namespace Injector.E2E.Manifests;

/// <summary>
/// One version and one image reference everywhere: what <c>make dist</c> pins, what <c>make images</c> names, what the
/// manifests in git say, and what the CLI and the webhook inject by default (<see cref="BuildInfo.ProxyImage"/>, the
/// Core assembly this test runs against) must all agree.
/// </summary>
public sealed class ReleaseManifestTests : IDisposable
{
    private const string WebhookImage = "tls-injector/webhook";
    private const string ProxyImage = "tls-injector/tls-proxy";
    private const string VersionLabel = "app.kubernetes.io/version";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private readonly DirectoryInfo temp = Directory.CreateTempSubdirectory("tls-injector-dist-");

    private static string ThisVersion => BuildInfo.Version.Split('+')[0];

    public void Dispose() => temp.Delete(recursive: true);

    [RequiresToolsFact("make", "bash", "kubectl", "dotnet", "git")]
    public async Task Dist_PinsEveryImageToTheVersionTheCliInjects()
    {
        var dist = await MakeAsync("dist", $"DIST={temp.FullName}");

        foreach (var file in new[] { "install.yaml", "install-self-signed.yaml" })
        {
            var m = RenderedManifests.Load(file, await File.ReadAllTextAsync(Path.Combine(temp.FullName, file)));
            var (webhook, proxy) = Images(m);
            Assert.Equal($"{WebhookImage}:{ThisVersion}", webhook);
            Assert.Equal(BuildInfo.ProxyImage, proxy);
            Assert.All(Labels(m), labels => Assert.Equal(ThisVersion, Label(labels, VersionLabel)));
            Assert.DoesNotContain(":dev\n", m.Yaml, StringComparison.Ordinal);
            Assert.DoesNotContain(":latest\n", m.Yaml, StringComparison.Ordinal);
        }

        Assert.Contains(BuildInfo.ProxyImage, dist, StringComparison.Ordinal);
    }

    /// <summary>The images <c>make images</c> builds are the ones <c>make dist</c> pins and this build injects.</summary>
    [RequiresToolsFact("make", "bash", "dotnet", "git")]
    public async Task MakeVersion_NamesTheImagesOfThisBuild()
    {
        var lines = (await MakeAsync("version")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l[..l.IndexOf("  ", StringComparison.Ordinal)], l => l[(l.IndexOf("  ", StringComparison.Ordinal) + 2)..].Trim());

        Assert.Equal(ThisVersion, lines["version"]);
        Assert.Equal($"{WebhookImage}:{ThisVersion}", lines["webhook image"]);
        Assert.Equal(BuildInfo.ProxyImage, lines["proxy image"]);
    }

    [RequiresToolsFact("make", "bash", "kubectl")]
    public async Task RegistryAndTag_ReachEveryImageOfTheRenderedManifests()
    {
        // VERSION given, so no MSBuild run: only the Makefile's wiring is under test here.
        await MakeAsync("manifests", $"DIST={temp.FullName}", "VERSION=9.9.9", "REGISTRY=registry.example/acme", "IMG_TAG=1.2.3-rc.1");

        foreach (var file in new[] { "install.yaml", "install-self-signed.yaml" })
        {
            var m = RenderedManifests.Load(file, await File.ReadAllTextAsync(Path.Combine(temp.FullName, file)));
            Assert.Equal(("registry.example/acme/tls-injector/webhook:1.2.3-rc.1", "registry.example/acme/tls-injector/tls-proxy:1.2.3-rc.1"), Images(m));
            Assert.All(Labels(m), labels => Assert.Equal("1.2.3-rc.1", Label(labels, VersionLabel)));
        }
    }

    [RequiresToolsFact("make", "bash", "kubectl")]
    public async Task Dist_RefusesTheDevTag()
    {
        var make = ExternalTool.Find("make")!;
        var result = await ExternalTool.RunAsync(make, ["-C", RepositoryPaths.Root, "--no-print-directory", "dist", $"DIST={temp.FullName}", "VERSION=1.0.0", "IMG_TAG=dev"], Limit);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not a release tag", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(temp.GetFiles());
    }

    /// <summary>In git, each kustomization names both images with one tag, the one its version label says.</summary>
    [KubectlTheory]
    [MemberData(nameof(ManifestTests.Kustomizations), MemberType = typeof(ManifestTests))]
    public async Task Manifests_NameBothImagesWithOneTag(string kustomization)
    {
        var m = await RenderedManifests.RenderAsync(kustomization);
        var (webhook, proxy) = Images(m);
        var tag = webhook[(webhook.LastIndexOf(':') + 1)..];

        Assert.Equal($"{WebhookImage}:{tag}", webhook);
        Assert.Equal($"{ProxyImage}:{tag}", proxy);
        Assert.All(Labels(m), labels => Assert.Equal(tag, Label(labels, VersionLabel)));
    }

    /// <summary>Every image of the install: the webhook's containers, and the sidecar image it is configured to inject.</summary>
    private static (string Webhook, string Proxy) Images(RenderedManifests m)
    {
        var pod = m.Single<V1Deployment>("tls-injector-webhook").Spec.Template.Spec;
        var webhook = Assert.Single(pod.Containers.Concat(pod.InitContainers ?? []).Select(c => c.Image).Distinct());
        var config = m.Single<V1ConfigMap>(pod.Containers[0].EnvFrom.Single().ConfigMapRef.Name);
        return (webhook, config.Data["Injector__ProxyImage"]);
    }

    private static IEnumerable<IDictionary<string, string>> Labels(RenderedManifests m)
        => m.Objects.OfType<IMetadata<V1ObjectMeta>>().Select(o => o.Metadata.Labels ?? new Dictionary<string, string>());

    private static string? Label(IDictionary<string, string> labels, string key) => labels.TryGetValue(key, out var value) ? value : null;

    private static async Task<string> MakeAsync(params string[] arguments)
    {
        var make = ExternalTool.Find("make")!;
        var result = await ExternalTool.RunAsync(make, ["-C", RepositoryPaths.Root, "--no-print-directory", "-s", .. arguments], Limit);
        Assert.True(result.ExitCode == 0, $"make {string.Join(' ', arguments)} failed:\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }
}
