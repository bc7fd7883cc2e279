using System.Net;
using System.Text;
using Injector.Core.Configuration;
using Injector.Testing;
using Injector.Testing.Kube;
using Injector.Webhook.Tests.Support;
using Serilog.Events;

namespace Injector.Webhook.Tests.Health;

/// <summary>Readiness, metrics and the one-line-per-admission log, asserted on event properties.</summary>
[Collection(ScrapeAloneTests.Collection)]
public sealed class ObservabilityTests
{
    [Fact]
    public async Task LogsOneEventPerAdmission_WithItsProperties_AndNoSecretMaterial()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        using var pki = new TestPki();
        using var leaf = pki.IssueServer("web");
        api.Put(ResourceType.Secrets, Admission.RoundTripFixture.SecretJson("capture-128", "web-tls", Injector.Tls.Certificates.CertificateGenerator.ToCertificatePem(leaf), Injector.Tls.Certificates.CertificateGenerator.ToPrivateKeyPem(leaf)));
        await using var host = await WebhookHost.StartAsync(api);
        var review = AdmissionFixtures.PodCreate();
        using (var response = await host.PostAsync("/mutate", review.ToJsonString()))
        {
            Assert.True((await AdmissionAnswer.ReadAsync(response)).Allowed);
        }

        // The validator reads the web-tls Secret: its key must never reach a log.
        using (var response = await host.PostAsync("/validate", review.ToJsonString()))
        {
            await AdmissionAnswer.ReadAsync(response);
        }

        var uid = review["request"]!["uid"]!.GetValue<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<Serilog.Events.LogEvent> lines;
        while ((lines = host.Logs.Events.Where(e => CollectingSink.Property(e, "Uid") == uid).ToList()).Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the request log lines never came: " + string.Join(" | ", host.Logs.Events.Select(e => e.MessageTemplate.Text + " " + string.Join(",", e.Properties.Select(p => p.Key + "=" + p.Value)))));
            await Task.Delay(20);
        }

        var mutate = Assert.Single(lines, e => CollectingSink.Property(e, "RequestPath") == "/mutate");
        Assert.Equal("Pod", CollectingSink.Property(mutate, "Kind"));
        Assert.Equal("capture-128", CollectingSink.Property(mutate, "PodNamespace"));
        Assert.Equal("web", CollectingSink.Property(mutate, "PodName"));
        Assert.Equal("CREATE", CollectingSink.Property(mutate, "Operation"));
        Assert.Equal("injected", CollectingSink.Property(mutate, "Decision"));
        Assert.False(string.IsNullOrEmpty(CollectingSink.Property(mutate, "Reason")));
        Assert.NotNull(CollectingSink.Property(mutate, "Elapsed"));
        Assert.Equal("200", CollectingSink.Property(mutate, "StatusCode"));

        var secretData = api.Get(ResourceType.Secrets, "capture-128", "web-tls")!["data"]!.AsObject();
        var forbidden = secretData.Select(kv => kv.Value!.GetValue<string>())
            .Concat(secretData.Select(kv => Encoding.UTF8.GetString(Convert.FromBase64String(kv.Value!.GetValue<string>())).Split('\n')[1]))
            .Append("managedFields")
            .ToList();
        foreach (var e in host.Logs.Events)
        {
            var text = e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) + string.Join(" ", e.Properties.Values) + e.Exception;
            Assert.DoesNotContain(forbidden, f => text.Contains(f, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task LogsRefusedAndUnreadableBodies_ButNotProbes()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api);
        using (await host.PostAsync("/mutate", AdmissionFixtures.PodCreate().ToJsonString(), "text/plain"))
        {
        }

        var unreadable = AdmissionFixtures.PodCreate();
        unreadable["kind"] = "Pod";
        using (await host.PostAsync("/validate", unreadable.ToJsonString()))
        {
        }

        using (await host.Client.GetAsync(new Uri(host.BaseAddress, "/healthz")))
        {
        }

        var lines = await AdmissionLinesAsync(host, 2);
        var refused = Assert.Single(lines, e => CollectingSink.Property(e, "RequestPath") == "/mutate");
        Assert.Equal("415", CollectingSink.Property(refused, "StatusCode"));
        Assert.Equal("rejected", CollectingSink.Property(refused, "Decision"));
        Assert.Contains("Content-Type", CollectingSink.Property(refused, "Reason"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(LogEventLevel.Information, refused.Level);

        var invalid = Assert.Single(lines, e => CollectingSink.Property(e, "RequestPath") == "/validate");
        Assert.Equal("200", CollectingSink.Property(invalid, "StatusCode"));
        Assert.Equal("invalid", CollectingSink.Property(invalid, "Decision"));
        Assert.Equal(unreadable["request"]!["uid"]!.GetValue<string>(), CollectingSink.Property(invalid, "Uid"));
        Assert.StartsWith("invalid on /validate: ", invalid.RenderMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        Assert.DoesNotContain(host.Logs.Events, e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("/healthz", StringComparison.Ordinal)
            || e.Properties.Values.Any(v => v.ToString().Contains("/healthz", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheAdmissionLineIsSilencedByItsSourceContext()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var quiet = await WebhookHost.StartAsync(api, new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Override:" + AdmissionLogSource] = "Warning",
        });
        await using var loud = await WebhookHost.StartAsync(api);
        foreach (var host in new[] { quiet, loud })
        {
            using var response = await host.PostAsync("/mutate", AdmissionFixtures.PodCreate().ToJsonString());
            Assert.True((await AdmissionAnswer.ReadAsync(response)).Allowed);
        }

        var line = Assert.Single(await AdmissionLinesAsync(loud, 1));
        Assert.Equal("injected", CollectingSink.Property(line, "Decision"));
        Assert.StartsWith("injected CREATE Pod in capture-128 on /mutate: ", line.RenderMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // The quiet host answered too (above), and a line is written before its answer is: none came.
        Assert.DoesNotContain(quiet.Logs.Events, e => CollectingSink.Property(e, "SourceContext") == AdmissionLogSource);
    }

    private const string AdmissionLogSource = "Injector.Webhook.Admission.AdmissionLog";

    /// <summary>The admission lines, once at least <paramref name="count"/> have come (the sink may lag the answer).</summary>
    private static async Task<List<LogEvent>> AdmissionLinesAsync(WebhookHost host, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<LogEvent> lines;
        while ((lines = host.Logs.Events.Where(e => CollectingSink.Property(e, "SourceContext") == AdmissionLogSource).ToList()).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{lines.Count} of {count} admission lines came");
            await Task.Delay(20);
        }

        return lines;
    }

    [Fact]
    public async Task ServesPrometheusMetrics()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api);
        using (var response = await host.PostAsync("/mutate", AdmissionFixtures.PodCreate().ToJsonString()))
        {
            await AdmissionAnswer.ReadAsync(response);
        }

        using (await host.PostAsync("/mutate", "{"))
        {
        }

        using (await host.PostAsync("/validate", string.Empty))
        {
        }

        using var metrics = await host.Client.GetAsync(new Uri(host.BaseAddress, "/metrics"));
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Equal(1, PrometheusText.Value(text, "tls_injector_webhook_requests_total{endpoint=\"mutate\",result=\"injected\",kind=\"Pod\"}"));
        Assert.Equal(1, PrometheusText.Value(text, "tls_injector_webhook_requests_total{endpoint=\"mutate\",result=\"invalid\",kind=\"other\"}"));
        Assert.Equal(1, PrometheusText.Value(text, "tls_injector_webhook_injections_total"));
        Assert.Equal(1, PrometheusText.Value(text, "tls_injector_webhook_errors_total{endpoint=\"validate\",type=\"400\"}"));
        Assert.Equal(2, PrometheusText.Value(text, "tls_injector_webhook_request_duration_seconds_bucket{endpoint=\"mutate\",le=\"+Inf\"}"));
        Assert.Equal(11, PrometheusText.Value(text, "tls_injector_webhook_cache_objects{resource=\"namespaces\"}"));
        Assert.Equal(1, PrometheusText.Value(text, "tls_injector_webhook_ready"));
        Assert.True(PrometheusText.Value(text, "tls_injector_webhook_certificate_expiry_timestamp_seconds") > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var (version, revision) = (BuildInfo.Version.Split('+')[0], BuildInfo.Version.Split('+')[1]);
        Assert.Equal(1, PrometheusText.Value(text, $"tls_injector_webhook_build_info{{version=\"{version}\",revision=\"{revision}\"}}"));
        Assert.Contains("# TYPE tls_injector_webhook_request_duration_seconds histogram", text, StringComparison.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
        {
            Assert.Matches(@"^[a-z_]+(\{[^}]*\})? -?[0-9.eE+-]+$", line);
        }
    }

    [Fact]
    public async Task LogsItsVersionAndTheSidecarImage_AtStart()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        await using var host = await WebhookHost.StartAsync(api, new Dictionary<string, string?> { ["Injector:ProxyImage"] = "registry.example/tls-proxy:7" });

        var starting = Assert.Single(host.Logs.Events, e => e.MessageTemplate.Text.StartsWith("tls-injector webhook {Version} starting", StringComparison.Ordinal));
        Assert.Equal(BuildInfo.Version, CollectingSink.Property(starting, "Version"));
        Assert.Equal("registry.example/tls-proxy:7", CollectingSink.Property(starting, "ProxyImage"));
    }

    [Fact]
    public async Task IsAliveButNotReady_UntilTheApiAnswers()
    {
        await using var api = await FakeKubeApiServer.StartAsync();
        api.LoadFixtures();
        api.FailureStatusCode = 503;
        await using var host = await WebhookHost.StartAsync(api, waitReady: false);
        using (var health = await host.Client.GetAsync(new Uri(host.BaseAddress, "/healthz")))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (var ready = await host.Client.GetAsync(new Uri(host.BaseAddress, "/readyz")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("API server version", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        api.FailureStatusCode = null;
        await host.WaitReadyAsync();
    }
}
