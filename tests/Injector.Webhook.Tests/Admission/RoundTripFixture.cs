using Injector.Testing;
using Injector.Testing.Kube;
using Injector.Tls.Certificates;
using Injector.Webhook.Tests.Support;

namespace Injector.Webhook.Tests.Admission;

/// <summary>
/// One webhook per recorded API server version, each against a fake API server of that version holding the
/// recorded namespaces and a valid <c>web-tls</c> Secret in the capture namespace (what the fixtures reference).
/// </summary>
public sealed class RoundTripFixture : IAsyncLifetime
{
    private readonly Dictionary<string, (FakeKubeApiServer Api, WebhookHost Host)> _servers = [];

    internal WebhookHost Host(string version) => _servers[version].Host;

    internal FakeKubeApiServer Api(string version) => _servers[version].Api;

    public async Task InitializeAsync()
    {
        foreach (var version in ApiFixtures.Versions)
        {
            var api = await FakeKubeApiServer.StartAsync(new FakeKubeApiOptions { Version = version });
            api.LoadFixtures();
            var ns = "capture-" + version.Replace("v1.", "1", StringComparison.Ordinal);
            using var pki = new TestPki();
            using var leaf = pki.IssueServer("web", $"web.{ns}.svc");
            api.Put(ResourceType.Secrets, SecretJson(ns, "web-tls", CertificateGenerator.ToCertificatePem(leaf), CertificateGenerator.ToPrivateKeyPem(leaf)));
            _servers[version] = (api, await WebhookHost.StartAsync(api));
        }
    }

    internal static string SecretJson(string ns, string name, string certificatePem, string keyPem)
        => new System.Text.Json.Nodes.JsonObject
        {
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["namespace"] = ns },
            ["type"] = "kubernetes.io/tls",
            ["data"] = new System.Text.Json.Nodes.JsonObject
            {
                ["tls.crt"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(certificatePem)),
                ["tls.key"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(keyPem)),
            },
        }.ToJsonString();

    public async Task DisposeAsync()
    {
        foreach (var (api, host) in _servers.Values)
        {
            await host.DisposeAsync();
            await api.DisposeAsync();
        }
    }
}
