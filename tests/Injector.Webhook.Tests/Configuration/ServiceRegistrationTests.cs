using Injector.Core.Configuration;
using Injector.Testing.Kube;
using Injector.Webhook.Configuration;
using Injector.Webhook.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Tests.Configuration;

/// <summary>The real container builds every service it registers, and bad configuration stops the host at start.</summary>
public sealed class ServiceRegistrationTests
{
    [Fact]
    public async Task Resolves_EveryRegisteredService()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var dir = new TempDirectory();
        IServiceCollection? services = null;
        await using var app = WebhookApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Webhook:KubeConfig"] = api.WriteKubeConfig(dir.Path),
                ["Webhook:CertificateDirectory"] = dir.Path,
            });
            services = builder.Services;
        }, console: false);

        var ours = services!
            .Where(d => !d.ServiceType.IsGenericTypeDefinition)
            .Where(d => d.ServiceType.Assembly.GetName().Name!.StartsWith("Injector.", StringComparison.Ordinal)
                || d.ImplementationType?.Assembly.GetName().Name?.StartsWith("Injector.", StringComparison.Ordinal) == true
                || d.ServiceType == typeof(k8s.IKubernetes)
                || d.ServiceType == typeof(IHostedService))
            .Select(d => d.ServiceType)
            .Distinct()
            .ToList();
        Assert.True(ours.Count >= 15, $"only {ours.Count} services found");
        foreach (var type in ours)
        {
            Assert.NotEmpty(app.Services.GetServices(type));
        }

        Assert.Equal(BuildInfo.ProxyImage, app.Services.GetRequiredService<IOptions<InjectorOptions>>().Value.ProxyImage);
        Assert.Equal(8443, app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.Port);
        Assert.Equal(5, app.Services.GetServices<IHostedService>().Count(h => h.GetType().Assembly == typeof(WebhookApp).Assembly));
    }

    [Fact]
    public async Task ReadsAppsettings_WithoutWatchingItForChanges()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var dir = new TempDirectory();
        await using var app = WebhookApp.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhook:KubeConfig"] = api.WriteKubeConfig(dir.Path),
        }), console: false);

        var files = ((IConfigurationRoot)app.Configuration).Providers.OfType<FileConfigurationProvider>().Select(p => p.Source).ToList();
        Assert.Contains(files, f => f.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} is watched for changes"));
    }

    [Fact]
    public async Task FailsAtBuild_WithEveryConfigurationError()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var dir = new TempDirectory();
        var error = Assert.Throws<OptionsValidationException>(() => WebhookApp.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhook:KubeConfig"] = api.WriteKubeConfig(dir.Path),
            ["Webhook:Port"] = "70000",
            ["Webhook:SelfSigned"] = "true",
            ["Webhook:Bootstrap:Enabled"] = "true",
            ["Injector:DefaultTlsPort"] = "15021",
            ["Injector:Resources:MemoryLimit"] = "lots",
        }), console: false));
        var text = error.Message;
        Assert.Contains("Port", text, StringComparison.Ordinal);
        Assert.Contains("Webhook:SelfSigned and Webhook:Bootstrap:Enabled", text, StringComparison.Ordinal);
        Assert.Contains("POD_NAMESPACE", text, StringComparison.Ordinal);
        Assert.Contains("Injector:DefaultTlsPort and Injector:HealthPort", text, StringComparison.Ordinal);
        Assert.Contains("Injector:Resources:MemoryLimit 'lots'", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailsAtStart_WithAHint_WhenNoClusterIsConfigured()
    {
        await using var app = WebhookApp.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhook:KubeConfig"] = "/nonexistent/kubeconfig",
            ["Webhook:Port"] = "0",
            ["Webhook:BindAddress"] = "127.0.0.1",
        }), console: false);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
        Assert.Contains("Hint:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BindsPodNamespace_ForTheBootstrap()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["POD_NAMESPACE"] = "ns-from-env" }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddInjectorWebhook().BuildServiceProvider();
        Assert.Equal("ns-from-env", services.GetRequiredService<IOptions<WebhookOptions>>().Value.Bootstrap.Namespace);
    }
}
