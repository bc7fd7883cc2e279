using System.Net;
using System.Net.Sockets;
using System.Text;
using Injector.Proxy.Hosting;
using Injector.Proxy.Logging;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Health;

/// <summary>
/// The plain-HTTP health port: a tiny HTTP/1.1 responder over a socket, one request per connection. Hand-written
/// rather than Kestrel because the port answers a few kubelet GETs a minute, and Kestrel would roughly double the
/// NativeAOT binary and its resident memory in every pod for that. It understands GET and HEAD of a path and
/// nothing else, and closes every connection after one answer (the kubelet does not reuse probe connections);
/// the one <c>POST</c> it takes is <see cref="HealthPaths.QuitQuitQuit"/>, from loopback only.
/// </summary>
internal sealed class HealthServer(
    Socket socket,
    ProxySettings settings,
    ReadinessCheck readiness,
    AppProber prober,
    Func<bool> isStarted,
    Func<bool, string> renderMetrics,
    Action<bool> recordProbe,
    Action<string> requestStop,
    ProxyLogger log)
{
    private const int MaxHeadBytes = 8 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private AcceptLoop? _accept;

    public IPEndPoint LocalEndPoint { get; } = (IPEndPoint)socket.LocalEndPoint!;

    public void Start(CancellationToken stop)
    {
        _accept = new AcceptLoop(socket, ServeAsync, ex => log.Begin(LogLevel.Error, LogEvents.AcceptFailed, "Accepting a connection failed")
            .Add("Port", LocalEndPoint.Port).Add(ex).Write());
        _accept.Start(stop);
    }

    public Task StopAsync()
    {
        if (_accept is null)
        {
            socket.Dispose();
            return Task.CompletedTask;
        }

        return _accept.StopAsync();
    }

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(RequestTimeout);
                var request = await ReadRequestAsync(client, timeout.Token).ConfigureAwait(false);
                if (request is null)
                {
                    await WriteAsync(client, 400, "bad request\n", head: false, timeout.Token).ConfigureAwait(false);
                    return;
                }

                if (request.Value.Path == HealthPaths.QuitQuitQuit)
                {
                    await QuitAsync(client, request.Value, timeout.Token).ConfigureAwait(false);
                    return;
                }

                var (status, body) = await AnswerAsync(request.Value, timeout.Token).ConfigureAwait(false);
                await WriteAsync(client, status, body, request.Value.Method == "HEAD", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                log.Begin(LogLevel.Debug, LogEvents.HealthRequestFailed, "Health request failed").Add(ex).Write();
            }
        }
    }

    /// <summary>
    /// The health port listens on every interface for the kubelet, so the peer address is what keeps another pod
    /// from stopping this one's proxy: only a container of this pod connects from loopback.
    /// </summary>
    private async Task QuitAsync(Socket client, HealthRequest request, CancellationToken cancellationToken)
    {
        if (request.Method != "POST")
        {
            await WriteAsync(client, 405, $"use POST {HealthPaths.QuitQuitQuit}\n", request.Method == "HEAD", cancellationToken).ConfigureAwait(false);
            return;
        }

        var peer = (client.RemoteEndPoint as IPEndPoint)?.Address;
        if (peer is { IsIPv4MappedToIPv6: true })
        {
            // The dual-stack listener sees an IPv4 peer as ::ffff:a.b.c.d, which IsLoopback does not recognise.
            peer = peer.MapToIPv4();
        }

        if (peer is null || !IPAddress.IsLoopback(peer))
        {
            log.Begin(LogLevel.Warning, LogEvents.QuitRefused, "Refused a stop request from outside the pod; call it on 127.0.0.1")
                .Add("ClientAddress", peer?.ToString() ?? "-").Write();
            await WriteAsync(client, 403, $"{HealthPaths.QuitQuitQuit} answers only on 127.0.0.1, from inside the pod\n", head: false, cancellationToken).ConfigureAwait(false);
            return;
        }

        await WriteAsync(client, 200, "draining\n", head: false, cancellationToken).ConfigureAwait(false);
        requestStop(Hosting.ProxyHost.StopReasons.QuitQuitQuit);
    }

    private async Task<(int Status, string Body)> AnswerAsync(HealthRequest request, CancellationToken cancellationToken)
    {
        if (request.Method is not ("GET" or "HEAD"))
        {
            return (405, "only GET and HEAD\n");
        }

        switch (request.Path)
        {
            case HealthPaths.Healthz:
                return (200, "ok\n");
            case HealthPaths.Started:
                return isStarted() ? (200, "started\n") : (503, "starting: " + string.Join("; ", readiness.CertificateProblems()) + "\n");
            case HealthPaths.Readyz:
                var problems = await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
                return problems.Count == 0 ? (200, "ready\n") : (503, string.Join('\n', problems) + "\n");
            case HealthPaths.Metrics when settings.Metrics:
                var ready = (await readiness.CheckAsync(cancellationToken).ConfigureAwait(false)).Count == 0;
                return (200, renderMetrics(ready));
        }

        if (settings.AppProbes.TryGetValue(request.Path, out var probe))
        {
            var (status, detail) = await prober.ProbeAsync(probe, request.UserAgent, cancellationToken).ConfigureAwait(false);
            var success = status is >= 200 and < 400;
            recordProbe(success);
            if (!success)
            {
                log.Begin(LogLevel.Information, LogEvents.ProbeFailed, "App probe failed")
                    .Add("Probe", request.Path).Add("Status", status).Add("Detail", detail).Write();
            }

            return (status, detail + "\n");
        }

        return (404, $"no such path; try {HealthPaths.Healthz}, {HealthPaths.Started}, {HealthPaths.Readyz}{(settings.Metrics ? ", " + HealthPaths.Metrics : "")}\n");
    }

    private static async Task<HealthRequest?> ReadRequestAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                return null;
            }

            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                return HealthRequest.Parse(Encoding.Latin1.GetString(buffer, 0, length));
            }
        }
    }

    private static async Task WriteAsync(Socket client, int status, string body, bool head, CancellationToken cancellationToken)
    {
        var content = Encoding.UTF8.GetBytes(body);
        var contentType = body.StartsWith("# HELP", StringComparison.Ordinal) ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8";
        var header = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n");
        await client.SendAsync(header, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (!head)
        {
            await client.SendAsync(content, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }

        client.Shutdown(SocketShutdown.Send);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Status",
    };
}

/// <summary>The parts of a request line and headers the health port looks at.</summary>
internal readonly record struct HealthRequest(string Method, string Path, string? UserAgent)
{
    public static HealthRequest? Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || !parts[1].StartsWith('/'))
        {
            return null;
        }

        var path = parts[1];
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        string? userAgent = null;
        foreach (var line in lines.Skip(1))
        {
            if (line.StartsWith("User-Agent:", StringComparison.OrdinalIgnoreCase))
            {
                userAgent = line["User-Agent:".Length..].Trim();
            }
        }

        return new HealthRequest(parts[0], path, userAgent);
    }
}
