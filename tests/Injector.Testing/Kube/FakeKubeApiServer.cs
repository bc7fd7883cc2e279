using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Injector.Testing.Kube;

/// <summary>
/// An in-process Kubernetes API server for tests: real Kestrel on loopback, speaking the wire format recorded from
/// kube-apiserver in <c>tests/fixtures/api/</c>, so the real <c>KubernetesClient</c> can talk to it.
/// It serves <c>GET /version</c> and, for any registered <see cref="ResourceType"/>: list (selectors, <c>limit</c>/<c>continue</c>),
/// watch (chunked, one JSON event per line, bookmarks, replay from a resourceVersion, 410 after <see cref="Compact"/>),
/// get, create (409 when taken), replace, patch (JSON patch, merge patch) and delete, with the real <c>Status</c> bodies
/// for 401, 404 and 409. Objects are kept as JSON; tests change them with <see cref="Put(ResourceType, JsonObject)"/> and <see cref="Delete"/>,
/// which the open watches see.
/// </summary>
public sealed partial class FakeKubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeKubeApiOptions _options;

    private FakeKubeApiServer(WebApplication app, FakeKubeApiOptions options)
    {
        _app = app;
        _options = options;
        foreach (var type in ResourceType.Builtin)
        {
            Register(type);
        }
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The recorded API server version served by <c>/version</c> and used by <see cref="LoadFixtures"/>.</summary>
    public string Version => _options.Version;

    /// <summary>When set, a request whose bearer token differs gets the recorded 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>When set, every request (including <c>/version</c>) is answered with a Status of this HTTP code (an outage).</summary>
    public int? FailureStatusCode { get; set; }

    /// <summary>Called before each request is answered (after it was read), e.g. to change the store in the middle of a client's sequence.</summary>
    public Action<RecordedRequest>? BeforeRequest { get; set; }

    /// <summary>Starts a server on <c>127.0.0.1</c>, on a free port.</summary>
    public static async Task<FakeKubeApiServer> StartAsync(FakeKubeApiOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeKubeApiOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeKubeApiServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.First()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        server.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>A client configuration pointing at this server, with <paramref name="token"/> (default: <see cref="RequiredToken"/>).</summary>
    public KubernetesClientConfiguration ClientConfiguration(string? token = null)
        => new() { Host = Url.ToString().TrimEnd('/'), AccessToken = token ?? RequiredToken ?? "test-token" };

    /// <summary>A real <see cref="Kubernetes"/> client for this server.</summary>
    public Kubernetes CreateClient(string? token = null) => new(ClientConfiguration(token));

    /// <summary>Writes a kubeconfig file for this server (what <c>KUBECONFIG</c> would name) and returns its path.</summary>
    public string WriteKubeConfig(string directory, string? token = null)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url.ToString().TrimEnd('/')}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
            current-context: fake
            users:
            - name: fake
              user:
                token: {token ?? RequiredToken ?? "test-token"}

            """);
        return path;
    }

    /// <summary>
    /// Loads the recorded objects of <see cref="Version"/>: every namespace of <c>namespaces-list.json</c>, the labelled
    /// namespace of <c>namespace-get.json</c> and the TLS Secret of <c>secret-get.json</c>.
    /// </summary>
    public void LoadFixtures()
    {
        var list = ApiFixtures.ReadObject(Version, "namespaces-list.json");
        foreach (var item in list["items"]?.AsArray() ?? [])
        {
            if (item is JsonObject ns)
            {
                Put(ResourceType.Namespaces, ns);
            }
        }

        Put(ResourceType.Namespaces, ApiFixtures.ReadObject(Version, "namespace-get.json"));
        Put(ResourceType.Secrets, ApiFixtures.ReadObject(Version, "secret-get.json"));
    }

    public async ValueTask DisposeAsync()
    {
        CloseWatches();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // A client still holding a connection open must not hang the test run.
        }

        await _app.DisposeAsync();
    }
}
