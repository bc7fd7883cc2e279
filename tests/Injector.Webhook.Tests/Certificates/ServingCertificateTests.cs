using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Injector.Testing;
using Injector.Testing.Kube;
using Injector.Tls.Certificates;
using Injector.Webhook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Injector.Webhook.Tests.Certificates;

/// <summary>HTTPS only, TLS 1.2+, and a certificate renewed on disk served without a restart (real Kestrel, real files).</summary>
public sealed class ServingCertificateTests
{
    /// <summary>The default <c>Webhook:CertificatePollInterval</c>.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The kubelet's layout of a Secret volume, swapped the way the kubelet swaps it:
    /// <code>
    /// webhook-tls/
    ///   ..2026_first/tls.crt, tls.key
    ///   ..data -> ..2026_first            (renamed over atomically to point at ..2026_second)
    ///   tls.crt -> ..data/tls.crt
    ///   tls.key -> ..data/tls.key
    /// </code>
    /// Two handshakes on fresh connections see two certificates; a broken renewal keeps the last good one.
    /// </summary>
    [Fact]
    public async Task Reloads_OnSymlinkSwap_WithoutRestart()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var pki = new TestPki();
        using var dir = new TempDirectory();
        var secret = dir.Combine("webhook-tls");
        Directory.CreateDirectory(secret);
        using var first = pki.IssueServer("first");
        WriteVersion(secret, "..2026_first", first);
        File.CreateSymbolicLink(Path.Combine(secret, "..data"), "..2026_first");
        File.CreateSymbolicLink(Path.Combine(secret, "tls.crt"), "..data/tls.crt");
        File.CreateSymbolicLink(Path.Combine(secret, "tls.key"), "..data/tls.key");

        // The poll runs on the webhook's clock: advancing it one interval is one poll, with no sleep in between.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Webhook:CertificateDirectory"] = secret }, pki: pki,
            configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var (before, _) = await Handshake.ConnectAsync(host.BaseAddress);
        Assert.Equal(first.Thumbprint, before.Thumbprint);

        using var second = pki.IssueServer("second");
        WriteVersion(secret, "..2026_second", second);
        Swap(secret, "..2026_second");
        Assert.Equal(first.Thumbprint, (await Handshake.ConnectAsync(host.BaseAddress)).Certificate.Thumbprint);
        clock.Advance(PollInterval);
        var (after, _) = await Handshake.ConnectAsync(host.BaseAddress);
        Assert.Equal(second.Thumbprint, after.Thumbprint);
        Assert.Contains("CN=second", after.Subject, StringComparison.Ordinal);

        // A renewal that does not parse: the server keeps the second certificate and counts the failure.
        using var reloads = host.Collect<long>("tls_injector_webhook_certificate_reloads");
        var broken = Path.Combine(secret, "..2026_broken");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "tls.crt"), "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        File.WriteAllText(Path.Combine(broken, "tls.key"), "garbage");
        Swap(secret, "..2026_broken");
        clock.Advance(PollInterval);
        Assert.Contains(reloads.GetMeasurementSnapshot(), m => Equals(m.Tags["result"], "failure"));
        Assert.Equal(second.Thumbprint, (await Handshake.ConnectAsync(host.BaseAddress)).Certificate.Thumbprint);
        using var health = await host.Client.GetAsync(new Uri(host.BaseAddress, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Serves_Tls12AndTls13(SslProtocols protocol)
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var host = await WebhookHost.StartAsync(api);
        var (certificate, negotiated) = await Handshake.ConnectAsync(host.BaseAddress, protocol);
        Assert.Equal(protocol, negotiated);
        Assert.True(host.Pki.Trusts(certificate));
    }

    [Fact]
    public async Task Refuses_PlainHttp()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        await using var host = await WebhookHost.StartAsync(api);
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var http = new UriBuilder(host.BaseAddress) { Scheme = "http" }.Uri;
        var outcome = await Record.ExceptionAsync(async () =>
        {
            using var response = await plain.GetAsync(new Uri(http, "/healthz"));
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        });
        Assert.True(outcome is null or HttpRequestException, outcome?.ToString());
    }

    [Fact]
    public async Task SelfSigned_GeneratesACertificate_AndWritesItsCaBundle()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        using var dir = new TempDirectory();
        var bundlePath = dir.Combine("ca.pem");
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?>
        {
            ["Webhook:SelfSigned"] = "true",
            ["Webhook:SelfSignedCaBundlePath"] = bundlePath,
            ["Webhook:CertificateDirectory"] = "/nonexistent",
        }, waitReady: false);
        var authority = PemCertificateLoader.ParseCertificates(File.ReadAllText(bundlePath), bundlePath)[0];
        host.TrustedRoot = authority;
        await host.WaitReadyAsync();
        var (certificate, _) = await Handshake.ConnectAsync(host.BaseAddress);
        Assert.True(TestPki.Chains(certificate, authority));
        Assert.Null(authority.GetRSAPrivateKey());
        Assert.False(authority.HasPrivateKey);
    }

    [Fact]
    public void NormalizesTheSelfSignedSwitch()
        => Assert.Equal(["--Webhook:SelfSigned=true", "--Webhook:Port=9443"], WebhookApp.NormalizeArguments(["--self-signed", "--Webhook:Port=9443"]));

    private static void WriteVersion(string secret, string name, X509Certificate2 leaf) => TestPki.WriteSecretFiles(Path.Combine(secret, name), leaf);

    /// <summary>What the kubelet does: a new ..data link renamed over the old one in one step.</summary>
    private static void Swap(string secret, string target)
    {
        var temporary = Path.Combine(secret, "..data_tmp");
        File.CreateSymbolicLink(temporary, target);

        // rename(2) replaces the link atomically; File.Move follows the link to a directory and refuses.
        using var mv = System.Diagnostics.Process.Start("mv", ["-T", "-f", temporary, Path.Combine(secret, "..data")]);
        mv.WaitForExit();
        Assert.Equal(0, mv.ExitCode);
    }
}
