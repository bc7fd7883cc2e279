using k8s;
using Injector.Testing.Kube;
using Injector.Webhook.Cluster;
using Injector.Webhook.Configuration;
using Injector.Webhook.Tests.Support;

namespace Injector.Webhook.Tests.Cluster;

/// <summary>
/// The API client follows <c>KUBECONFIG</c> (as kubectl does) unless <c>Webhook:KubeConfig</c> names a file; it used
/// to read only <c>~/.kube/config</c>, so <c>KUBECONFIG=... hack/run-local.sh</c> talked to the wrong cluster.
/// </summary>
[Collection(ProcessEnvironmentTests.Collection)]
public sealed class KubernetesClientFactoryTests
{
    private static async Task WithEnvironmentAsync(IReadOnlyDictionary<string, string?> variables, Func<Task> body)
    {
        var saved = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (key, value) in variables)
            {
                Environment.SetEnvironmentVariable(key, value);
            }

            await body();
        }
        finally
        {
            foreach (var (key, value) in saved)
            {
                Environment.SetEnvironmentVariable(key, value);
            }
        }
    }

    [Fact]
    public async Task Create_UsesKubeconfigVariable_WhenNoPathIsConfigured()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var dir = new TempDirectory();
        var path = api.WriteKubeConfig(dir.Path);
        await WithEnvironmentAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = path }, async () =>
        {
            using var client = (k8s.Kubernetes)KubernetesClientFactory.Create(new WebhookOptions());
            var version = await client.Version.GetCodeAsync();
            Assert.Equal("1", version.Major);
        });
        Assert.Contains(api.Requests, r => r.Path.TrimEnd('/') == "/version");
    }

    [Fact]
    public async Task Create_PrefersTheConfiguredPath_OverKubeconfig()
    {
        await using var fromVariable = await FakeKubeApiServer.StartAsync();
        await using var fromOption = await FakeKubeApiServer.StartAsync();
        using var dir = new TempDirectory();
        var variablePath = fromVariable.WriteKubeConfig(dir.Combine("a"));
        var optionPath = fromOption.WriteKubeConfig(dir.Combine("b"));
        await WithEnvironmentAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = variablePath }, async () =>
        {
            using var client = (k8s.Kubernetes)KubernetesClientFactory.Create(new WebhookOptions { KubeConfig = optionPath });
            await client.Version.GetCodeAsync();
        });
        Assert.Contains(fromOption.Requests, r => r.Path.TrimEnd('/') == "/version");
        Assert.Empty(fromVariable.Requests);
    }

    [Fact]
    public async Task Create_FailsWithAHint_WhenNoClusterIsConfigured()
    {
        using var home = new TempDirectory();
        await WithEnvironmentAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = null, ["HOME"] = home.Path, ["KUBERNETES_SERVICE_HOST"] = null }, () =>
        {
            var error = Assert.Throws<InvalidOperationException>(() => KubernetesClientFactory.Create(new WebhookOptions()));
            Assert.Contains("Hint:", error.Message, StringComparison.Ordinal);
            Assert.Contains("KUBECONFIG", error.Message, StringComparison.Ordinal);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Webhook_BecomesReady_ThroughKubeconfig()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        using var dir = new TempDirectory();
        var path = api.WriteKubeConfig(dir.Path);
        await WithEnvironmentAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = path }, async () =>
        {
            // An empty Webhook:KubeConfig is "not set": the host must find the fake API through KUBECONFIG alone.
            await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Webhook:KubeConfig"] = "" });
            Assert.Contains(api.Requests, r => r.Path == "/api/v1/namespaces" && !r.IsWatch);
        });
    }
}
