using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.E2E.Manifests;
using Injector.E2E.Support;
using Injector.Testing;
using k8s;
using k8s.Models;

namespace Injector.E2E.Hack;

/// <summary>The hack/ scripts, run for real where they need no cluster: certificates, url-mode rendering, help and strictness.</summary>
public sealed class HackScriptTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);
    private readonly DirectoryInfo temp = Directory.CreateTempSubdirectory("tls-injector-hack-");

    private static IEnumerable<string> Scripts => Directory.GetFiles(HackDirectory, "*.sh").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    private static string HackDirectory => Path.Combine(RepositoryPaths.Root, "hack");

    [RequiresToolsFact("bash", "openssl")]
    public async Task GenCerts_IssuesAServingCertificateForTheNamesGiven()
    {
        var result = await RunAsync("gen-certs.sh", "--out", temp.FullName, "--dns", "web.shop.svc", "--ip", "127.0.0.1");
        Assert.True(result.ExitCode == 0, result.StandardError);

        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(temp.FullName, "ca.crt"));
        using var leaf = X509Certificate2.CreateFromPemFile(Path.Combine(temp.FullName, "tls.crt"), Path.Combine(temp.FullName, "tls.key"));
        Assert.True(leaf.HasPrivateKey);
        Assert.True(leaf.MatchesHostname("web.shop.svc"));
        var san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(IPAddress.Loopback, san.EnumerateIPAddresses());
        Assert.Contains(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.1");

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(temp.FullName, "tls.key")));
        }
    }

    [RequiresToolsFact("bash", "openssl")]
    public async Task GenCerts_RefusesToOverwrite_WithoutForce()
    {
        Assert.Equal(0, (await RunAsync("gen-certs.sh", "--out", temp.FullName)).ExitCode);

        var again = await RunAsync("gen-certs.sh", "--out", temp.FullName);

        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("--force", again.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("gen-certs.sh", "--out", temp.FullName, "--force")).ExitCode);
    }

    [RequiresToolsFact("bash", "openssl", "kubectl")]
    public async Task RunLocal_RendersEveryWebhookInUrlMode_WithItsCa()
    {
        var result = await RunAsync("run-local.sh", "--render-only", "--port", "12345");
        Assert.True(result.ExitCode == 0, result.StandardError);

        var objects = KubernetesYaml.LoadAllFromString(result.StandardOutput, ManifestTypeMap.Create(), strict: true);
        var mutating = Assert.Single(objects.OfType<V1MutatingWebhookConfiguration>());
        var validating = Assert.Single(objects.OfType<V1ValidatingWebhookConfiguration>());
        Assert.Equal(2, objects.Count);

        var configs = mutating.Webhooks.Select(w => (w.ClientConfig, Path: "/mutate"))
            .Concat(validating.Webhooks.Select(w => (w.ClientConfig, Path: "/validate")))
            .ToList();
        Assert.Equal(3, configs.Count);
        foreach (var (config, path) in configs)
        {
            Assert.Null(config.Service);
            Assert.Equal($"https://127.0.0.1:12345{path}", config.Url);
            using var ca = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(config.CaBundle));
            Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        }

        // Same selectors and policies as the in-cluster install: only the address changed.
        Assert.All(mutating.Webhooks, w => Assert.Equal("Fail", w.FailurePolicy));
        Assert.Equal(["namespace.tls-injector.io", "pod.tls-injector.io"], mutating.Webhooks.Select(w => w.Name));
    }

    [RequiresToolsFact("bash")]
    public async Task EveryScript_IsStrict_AndAnswersHelp()
    {
        Assert.True(Scripts.Count() >= 4, "hack/ should hold gen-certs, run-local, kind-e2e and build-images");
        foreach (var script in Scripts)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(HackDirectory, script));
            Assert.Contains("set -euo pipefail", text, StringComparison.Ordinal);
            Assert.Contains("trap ", text, StringComparison.Ordinal);

            var help = await RunAsync(script, "--help");
            Assert.True(help.ExitCode == 0, $"{script} --help: {help.StandardError}");
            Assert.StartsWith("Usage: hack/" + script, help.StandardOutput, StringComparison.Ordinal);

            var wrong = await RunAsync(script, "--no-such-flag");
            Assert.NotEqual(0, wrong.ExitCode);
        }
    }

    [WithoutToolFact("kind")]
    public async Task KindE2e_StopsAtOnce_NamingTheMissingTool()
    {
        var result = await RunAsync("kind-e2e.sh");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches("^kind-e2e.sh: .*('(docker|kind|kubectl|dotnet|make)' is required but not installed|does not answer)", result.StandardError);
        Assert.DoesNotContain("creating kind cluster", result.StandardError, StringComparison.Ordinal);
    }

    [RequiresToolsFact("shellcheck")]
    public async Task EveryScript_PassesShellcheck()
    {
        var scripts = Directory.GetFiles(HackDirectory, "*.sh");
        var result = await ExternalTool.RunAsync(ExternalTool.Find("shellcheck")!, scripts, Limit);
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }

    public void Dispose() => temp.Delete(recursive: true);

    private static Task<ToolResult> RunAsync(string script, params string[] arguments) =>
        ExternalTool.RunAsync(ExternalTool.Find("bash")!, [Path.Combine(HackDirectory, script), .. arguments], Limit);
}
