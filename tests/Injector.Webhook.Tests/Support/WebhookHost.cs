using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Testing;
using Injector.Testing.Kube;
using Injector.Webhook.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Serilog.Core;

namespace Injector.Webhook.Tests.Support;

/// <summary>
/// The real webhook (the same <see cref="WebhookApp.Build"/> as <c>Program</c>) on Kestrel, 127.0.0.1 port 0, with a
/// certificate from a test CA on disk and the real KubernetesClient pointed at a <see cref="FakeKubeApiServer"/>.
/// </summary>
internal sealed class WebhookHost : IAsyncDisposable
{
    private WebhookHost(WebApplication app, Uri baseAddress, TestPki pki, TempDirectory directory, CollectingSink logs)
    {
        App = app;
        BaseAddress = baseAddress;
        Pki = pki;
        Directory = directory;
        Logs = logs;
        Client = CreateClient();
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public TestPki Pki { get; }

    public TempDirectory Directory { get; }

    public CollectingSink Logs { get; }

    /// <summary>A keep-alive client that trusts only the test CA.</summary>
    public HttpClient Client { get; }

    public string CertificateDirectory => Directory.Combine("webhook-tls");

    /// <summary>When set, the client trusts this root instead of <see cref="Pki"/> (self-signed and bootstrap modes).</summary>
    public X509Certificate2? TrustedRoot { get; set; }

    public static async Task<WebhookHost> StartAsync(FakeKubeApiServer api, IDictionary<string, string?>? settings = null, bool waitReady = true, Action<WebApplicationBuilder>? configure = null, TestPki? pki = null)
    {
        var directory = new TempDirectory();
        pki ??= new TestPki();
        var logs = new CollectingSink();
        var certificateDirectory = directory.Combine("webhook-tls");
        using (var leaf = pki.IssueServer())
        {
            TestPki.WriteSecretFiles(certificateDirectory, leaf);
        }

        var config = new Dictionary<string, string?>
        {
            ["Webhook:Port"] = "0",
            ["Webhook:BindAddress"] = "127.0.0.1",
            ["Webhook:CertificateDirectory"] = certificateDirectory,
            ["Webhook:CertificatePollInterval"] = "00:00:00.100",
            ["Webhook:KubeConfig"] = api.WriteKubeConfig(directory.Path),
            ["Webhook:ShutdownTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = WebhookApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Services.AddSingleton<ILogEventSink>(logs);
            configure?.Invoke(builder);
        }, console: false);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new WebhookHost(app, new Uri(address), pki, directory, logs);
        if (waitReady)
        {
            await host.WaitReadyAsync();
        }

        return host;
    }

    /// <summary>Polls <c>/readyz</c> until 200; generous, because the machine may be loaded.</summary>
    public Task WaitReadyAsync(TimeSpan? timeout = null)
        => Readyz.WaitAsync(Client, BaseAddress, timeout ?? TimeSpan.FromSeconds(30), () => "warnings: " + string.Join(" | ", Logs.Events
            .Where(e => e.Level >= Serilog.Events.LogEventLevel.Information).TakeLast(15)
            .Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) + " " + e.Exception?.Message)));

    public Task<HttpResponseMessage> PostAsync(string path, string body, string contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Client.PostAsync(new Uri(BaseAddress, path), content);
    }

    /// <summary>
    /// Collects one of this host's instruments through its own meter factory: <c>/metrics</c> would also show the
    /// other hosts running in this test process.
    /// </summary>
    public MetricCollector<T> Collect<T>(string instrument)
        where T : struct
        => new(App.Services.GetRequiredService<IMeterFactory>(), WebhookMetrics.MeterName, instrument);

    /// <summary>The value of one series of <c>/metrics</c>, named as in PromQL; null when absent.</summary>
    public async Task<double?> MetricAsync(string series)
    {
        using var response = await Client.GetAsync(new Uri(BaseAddress, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics answered {(int)response.StatusCode}: {text}");
        return PrometheusText.Value(text, series);
    }

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null
                    && (TrustedRoot is { } root ? TestPki.Chains(new X509Certificate2(certificate), root) : Pki.Trusts(new X509Certificate2(certificate))),
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!App.Lifetime.ApplicationStopped.IsCancellationRequested)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await App.StopAsync(timeout.Token);
        }

        await App.DisposeAsync();
        Pki.Dispose();
        Directory.Dispose();
    }
}
