using System.Collections.Concurrent;
using System.Net;

namespace Injector.Proxy.Tests.Support;

/// <summary>A real HTTP app (HttpListener) on a loopback port: <c>/healthz</c> says 200, <c>/ready</c> says <see cref="ReadyStatus"/>.</summary>
internal sealed class TestHttpApp : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Request> _requests = new();

    public TestHttpApp()
    {
        // HttpListener cannot bind port 0: try free ports until one sticks.
        for (var attempt = 0; ; attempt++)
        {
            Port = EchoApp.UnusedPort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _ = ServeAsync();
    }

    public int Port { get; private set; }

    public int ReadyStatus { get; set; } = 200;

    public IReadOnlyList<Request> Requests => _requests.ToArray();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            _requests.Enqueue(new Request(context.Request.Url!.AbsolutePath, context.Request.Url.Query, headers));
            context.Response.StatusCode = context.Request.Url.AbsolutePath == "/ready" ? ReadyStatus : 200;
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();

    internal sealed record Request(string Path, string Query, Dictionary<string, string> Headers);
}
