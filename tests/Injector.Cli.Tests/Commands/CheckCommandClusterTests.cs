using System.Text.Json.Nodes;
using Injector.Cli.Commands;
using Injector.Cli.Lookups;
using Injector.Testing;
using Injector.Testing.Kube;

namespace Injector.Cli.Tests.Commands;

/// <summary><c>check --cluster</c> against the in-process API server: the real KubernetesClient reads Namespaces, Secrets and Services.</summary>
public sealed class CheckCommandClusterTests : IAsyncLifetime, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tls-injector-cluster-").FullName;
    private readonly TestPki _pki = new();
    private FakeKubeApiServer _api = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubeApiServer.StartAsync();
        _api.Put(ResourceType.Namespaces, """
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","labels":{"tls-injector.io/injection":"enabled"},
             "annotations":{"tls-injector.io/secret":"web-tls"}}}
            """);
        using var leaf = _pki.Issue("web", dnsNames: ["web", "web.shop", "web.shop.svc", "web.shop.svc.cluster.local"]);
        var data = new JsonObject();
        foreach (var (key, value) in _pki.ServerData(leaf))
        {
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value!));
        }

        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = "kubernetes.io/tls",
            ["metadata"] = new JsonObject { ["name"] = "web-tls", ["namespace"] = "shop" },
            ["data"] = data,
        };
        _api.Put(ResourceType.Secrets, secret);
        _api.Put(ResourceType.Services, """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},
             "spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]}}
            """);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Uses_NamespaceDefaults_Secrets_AndServices_FromTheCluster()
    {
        var (code, stdout) = await RunAsync(_api.CreateClient());

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Service \"shop/web\" port 80 targets app port 8080 by number", stdout, StringComparison.Ordinal);
        Assert.Contains("checked 1 workload(s): 0 error(s), 1 warning(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_WhenTheSecretIsGoneFromTheCluster()
    {
        _api.Delete(ResourceType.Secrets, "shop", "web-tls");

        var (code, stdout) = await RunAsync(_api.CreateClient());

        Assert.Equal(ExitCodes.PolicyErrors, code);
        Assert.Contains("namespace default annotation tls-injector.io/secret=\"web-tls\"", stdout, StringComparison.Ordinal);
        Assert.Contains("Secret \"shop/web-tls\" does not exist", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_Clearly_WhenTheApiRefusesTheToken()
    {
        _api.RequiredToken = "right";

        var (code, _, stderr) = await RunWithErrorsAsync(_api.CreateClient("wrong"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("cannot read namespace shop from the cluster: 401 Unauthorized", stderr, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Stdout)> RunAsync(k8s.Kubernetes client)
    {
        var (code, stdout, _) = await RunWithErrorsAsync(client);
        return (code, stdout);
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunWithErrorsAsync(k8s.Kubernetes client)
    {
        var file = Path.Combine(_dir, "web.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            spec:
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: app
                    image: example/web:1
                    ports:
                    - name: http
                      containerPort: 8080
            """);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using (client)
        {
            var code = await CheckCommand.HandlerAsync(TextReader.Null, stdout, stderr, new CheckArguments(file, null, "default", null, new ClusterLookup(client)), CancellationToken.None);
            return (code, stdout.ToString(), stderr.ToString());
        }
    }
}
