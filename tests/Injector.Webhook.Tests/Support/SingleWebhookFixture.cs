using Injector.Testing.Kube;

namespace Injector.Webhook.Tests.Support;

/// <summary>One webhook against a fake v1.28 API server with the recorded objects, shared by a test class.</summary>
public sealed class SingleWebhookFixture : IAsyncLifetime
{
    private FakeKubeApiServer? _api;
    private WebhookHost? _host;

    internal FakeKubeApiServer Api => _api ?? throw new InvalidOperationException("not started");

    internal WebhookHost Host => _host ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _api = await FakeKubeApiServer.StartAsync();
        _api.LoadFixtures();
        _host = await WebhookHost.StartAsync(_api);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }
}
