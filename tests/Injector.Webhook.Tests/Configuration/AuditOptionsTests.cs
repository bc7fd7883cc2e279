using Injector.Testing.Kube;
using Injector.Webhook.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Tests.Configuration;

/// <summary><c>Webhook:Audit:*</c> is checked at build, with every error at once, and only when the loop is on.</summary>
public sealed class AuditOptionsTests
{
    private static async Task<OptionsValidationException?> BuildAsync(Dictionary<string, string?> settings)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var dir = new TempDirectory();
        settings["Webhook:KubeConfig"] = api.WriteKubeConfig(dir.Path);
        settings["Webhook:CertificateDirectory"] = dir.Path;
        try
        {
            await using var app = WebhookApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings), console: false);
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex;
        }
    }

    [Fact]
    public async Task FailsAtBuild_WithEveryAuditError()
    {
        var error = await BuildAsync(new Dictionary<string, string?>
        {
            ["Webhook:Audit:Enabled"] = "true",
            ["Webhook:Audit:Interval"] = "00:00:00",
            ["Webhook:Audit:LeaseDuration"] = "00:00:05",
            ["Webhook:Audit:RenewDeadline"] = "00:00:10",
        });
        Assert.NotNull(error);
        Assert.Contains("POD_NAMESPACE", error.Message, StringComparison.Ordinal);
        Assert.Contains("Webhook:Audit:Interval", error.Message, StringComparison.Ordinal);
        Assert.Contains("RenewDeadline (00:00:10) < LeaseDuration (00:00:05)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IgnoresAuditSettings_WhenOff()
        => Assert.Null(await BuildAsync(new Dictionary<string, string?> { ["Webhook:Audit:Interval"] = "00:00:00" }));

    [Fact]
    public async Task Builds_WhenOn_WithPodNamespace()
        => Assert.Null(await BuildAsync(new Dictionary<string, string?> { ["Webhook:Audit:Enabled"] = "true", ["POD_NAMESPACE"] = "tls-injector" }));
}
