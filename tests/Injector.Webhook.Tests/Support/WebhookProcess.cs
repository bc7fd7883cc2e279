using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Injector.Testing;
using Injector.Testing.Kube;

namespace Injector.Webhook.Tests.Support;

/// <summary>
/// A webhook build (<see cref="WebhookBuild"/>) started as its own process, as the image starts it, against a
/// <see cref="FakeKubeApiServer"/>: the only way to test what the NativeAOT binary does, since it cannot be loaded
/// into the test process. Its serving certificate comes from a test CA; its log lines are kept for failure messages.
/// </summary>
internal sealed class WebhookProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TestPki _pki;
    private readonly TempDirectory _directory;

    private WebhookProcess(Process process, Uri baseAddress, TestPki pki, TempDirectory directory)
    {
        _process = process;
        BaseAddress = baseAddress;
        _pki = pki;
        _directory = directory;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && pki.Trusts(new X509Certificate2(certificate)),
            },
        };
        Client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>Everything the process wrote so far, for assertion messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts <paramref name="build"/> on a free loopback port with <paramref name="settings"/> (configuration keys) and waits until <c>/readyz</c> is 200.</summary>
    public static async Task<WebhookProcess> StartAsync(WebhookBuild build, FakeKubeApiServer api, IDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        ArgumentNullException.ThrowIfNull(api);
        Assert.True(File.Exists(build.FileName) || build.FileName == "dotnet", $"the {build} webhook is missing at {build.FileName}. Hint: run `make webhook-aot` (make test does).");
        var directory = new TempDirectory();
        var pki = new TestPki();
        var certificates = directory.Combine("webhook-tls");
        using (var leaf = pki.IssueServer())
        {
            TestPki.WriteSecretFiles(certificates, leaf);
        }

        var port = FreePort();
        var config = new Dictionary<string, string>
        {
            ["Webhook:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Webhook:BindAddress"] = "127.0.0.1",
            ["Webhook:CertificateDirectory"] = certificates,
            ["Webhook:KubeConfig"] = api.WriteKubeConfig(directory.Path),
            ["Webhook:ShutdownTimeout"] = "00:00:02",

            // Far beyond any test: a change the cache shows came through the watch, not a relist.
            ["Webhook:ResyncInterval"] = "01:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            config[key] = value;
        }

        var start = new ProcessStartInfo(build.FileName)
        {
            WorkingDirectory = build.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in build.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in config)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment.Remove("KUBECONFIG");
        var process = new Process { StartInfo = start };
        var webhook = new WebhookProcess(process, new Uri($"https://127.0.0.1:{port}/"), pki, directory);
        process.OutputDataReceived += (_, e) => webhook.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => webhook.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await webhook.WaitReadyAsync();
        }
        catch
        {
            await webhook.DisposeAsync();
            throw;
        }

        return webhook;
    }

    public Task<HttpResponseMessage> PostAsync(string path, string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Client.PostAsync(new Uri(BaseAddress, path), content);
    }

    /// <summary>The value of one series of <c>/metrics</c>, e.g. <c>tls_injector_webhook_cache_objects{resource="secrets"}</c>; 0 when absent.</summary>
    public async Task<double> MetricAsync(string series)
    {
        using var response = await Client.GetAsync(new Uri(BaseAddress, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics answered {(int)response.StatusCode}: {text}\nwebhook output:\n{Output}");
        return PrometheusText.Value(text, series) ?? 0;
    }

    private Task WaitReadyAsync()
        => Readyz.WaitAsync(Client, BaseAddress, TimeSpan.FromSeconds(60), () => "output:\n" + Output,
            () => Assert.False(_process.HasExited, $"the webhook exited with {(_process.HasExited ? _process.ExitCode : 0)}: {Output}"));

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _pki.Dispose();
        _directory.Dispose();
    }
}
