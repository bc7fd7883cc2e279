using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Injector.Proxy.Forwarding;
using Injector.Proxy.Hosting;
using Injector.Proxy.Logging;
using Injector.Proxy.Metrics;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Serving;

/// <summary>
/// One accepted connection from first byte to close: plaintext detection, the TLS handshake, the connect to the
/// app, the byte copy, and the one log line that says who it was and how it ended.
/// </summary>
internal sealed partial class TlsConnectionHandler(
    ProxySettings settings,
    ProxyHostOptions options,
    TlsHandshakePolicy policy,
    ProxyMetrics metrics,
    ConnectionTracker tracker,
    ProxyLogger log)
{
    public async Task HandleAsync(Socket client, int routeIndex, ProxyRoute route, CancellationToken abort)
    {
        tracker.Enter();
        metrics.ConnectionOpened(routeIndex);
        var started = Stopwatch.GetTimestamp();
        var remote = client.RemoteEndPoint?.ToString() ?? "-";
        try
        {
            client.NoDelay = true;
            using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
            handshakeTimeout.CancelAfter(options.HandshakeTimeout);

            var first = await PeekFirstByteAsync(client, handshakeTimeout.Token).ConfigureAwait(false);
            if (first < 0)
            {
                // Connected and closed without a byte: TCP health checks and port scans. Not worth an Information line.
                log.Begin(LogLevel.Debug, LogEvents.ConnectionClosed, "Connection closed before sending a byte")
                    .Add("Port", route.TlsPort).Add("Client", remote).Write();
                client.Dispose();
                return;
            }

            if (first != PlaintextResponder.TlsHandshakeRecord)
            {
                await HandlePlaintextAsync(client, route, remote, handshakeTimeout.Token).ConfigureAwait(false);
                return;
            }

            await ForwardTlsAsync(client, routeIndex, route, remote, started, handshakeTimeout, abort).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Timeouts and resets before the handshake began; nothing was forwarded.
            log.Begin(LogLevel.Debug, LogEvents.ConnectionClosed, "Connection ended before the handshake")
                .Add("Port", route.TlsPort).Add("Client", remote).Add(ex).Write();
            client.Dispose();
        }
        finally
        {
            metrics.ConnectionClosed();
            tracker.Exit();
        }
    }

    private static async Task<int> PeekFirstByteAsync(Socket client, CancellationToken cancellationToken)
    {
        var one = new byte[1];
        var read = await client.ReceiveAsync(one, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
        return read == 0 ? -1 : one[0];
    }

    private async Task HandlePlaintextAsync(Socket client, ProxyRoute route, string remote, CancellationToken cancellationToken)
    {
        using (client)
        {
            if (settings.Plaintext == PlaintextMode.Redirect)
            {
                var location = await PlaintextResponder.RedirectAsync(client, (IPEndPoint)client.LocalEndPoint!, cancellationToken).ConfigureAwait(false);
                if (location is not null)
                {
                    metrics.PlaintextRedirected();
                    log.Begin(LogLevel.Information, LogEvents.PlaintextRedirected, "Plain HTTP on a TLS port redirected to https")
                        .Add("Port", route.TlsPort).Add("Client", remote).Add("Location", location).Write();
                    client.Shutdown(SocketShutdown.Send);
                    return;
                }
            }

            metrics.PlaintextRejected();
            log.Begin(LogLevel.Warning, LogEvents.PlaintextRejected, "Non-TLS connection on a TLS port closed")
                .Add("Port", route.TlsPort).Add("Client", remote)
                .Add("Hint", "the client speaks plain text to a TLS port; use https:// (or set tls-injector.io/plaintext: redirect for HTTP clients)")
                .Write();
        }
    }

    private async Task ForwardTlsAsync(Socket client, int routeIndex, ProxyRoute route, string remote, long started, CancellationTokenSource handshakeTimeout, CancellationToken abort)
    {
        var context = policy.NewContext();
        var transport = new SocketStream(client);
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        await using var tlsScope = tls.ConfigureAwait(false);
        try
        {
            await tls.AuthenticateAsServerAsync(policy.SelectOptions, context, handshakeTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            if (abort.IsCancellationRequested)
            {
                return;
            }

            var reason = Classify(ex, context);
            metrics.HandshakeFailed(reason);
            log.Begin(reason == HandshakeFailureReason.ClientClosed ? LogLevel.Debug : LogLevel.Warning, LogEvents.HandshakeFailed, "TLS handshake failed")
                .Add("Port", route.TlsPort).Add("Client", remote).Add("Reason", reason.ToWire())
                .Add("Detail", context.FailureDetail).Add("ClientIdentity", context.ClientNames?.ToString())
                .Add(ex).Write();
            return;
        }

        metrics.HandshakeSucceeded(routeIndex);
        var identity = context.ClientNames?.ToString() ?? "-";

        var app = new Socket(options.AppAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(5));
            await app.ConnectAsync(new IPEndPoint(options.AppAddress, route.AppPort), connectTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            app.Dispose();
            metrics.Forwarded(ForwardOutcome.AppUnreachable);
            log.Begin(LogLevel.Error, LogEvents.AppUnreachable, "The app port does not accept connections; closing the client connection")
                .Add("Port", route.TlsPort).Add("AppPort", route.AppPort).Add("Client", remote).Add("ClientIdentity", identity)
                .Add("Hint", $"is the app listening on 127.0.0.1:{route.AppPort} (or 0.0.0.0)?")
                .Add(ex).Write();
            await CloseQuietlyAsync(tls).ConfigureAwait(false);
            return;
        }

        var appStream = new SocketStream(app);
        await using var appScope = appStream.ConfigureAwait(false);
        var forwarder = new DuplexForwarder(tls, transport, client, appStream, app, metrics, options.ClientLinger, IdentityHeaderLine(tls));
        ForwardOutcome outcome;
        Exception? error;
        try
        {
            await SendProxyHeaderAsync(client, tls, appStream, abort).ConfigureAwait(false);
            (outcome, error) = await forwarder.RunAsync(abort).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            (outcome, error) = (abort.IsCancellationRequested ? ForwardOutcome.Aborted : ForwardOutcome.AppError, ex);
        }

        if (outcome == ForwardOutcome.Completed && forwarder.RequestRejection is not null)
        {
            outcome = ForwardOutcome.BadRequest;
        }

        metrics.Forwarded(outcome);

        var level = outcome is ForwardOutcome.Completed or ForwardOutcome.ClientError or ForwardOutcome.BadRequest ? LogLevel.Information : LogLevel.Warning;
        var entry = log.Begin(level, LogEvents.ConnectionClosed, "TLS connection closed");
        if (entry.IsEnabled)
        {
            entry.Add("Port", route.TlsPort).Add("AppPort", route.AppPort).Add("Client", remote)
                .Add("ClientIdentity", identity)
                .Add("TlsVersion", TlsVersionName(tls.SslProtocol))
                .Add("Cipher", tls.NegotiatedCipherSuite.ToString())
                .Add("Sni", tls.TargetHostName)
                .Add("BytesFromClient", forwarder.BytesFromClient).Add("BytesToClient", forwarder.BytesToClient)
                .Add("DurationMs", Stopwatch.GetElapsedTime(started).TotalMilliseconds)
                .Add("Outcome", outcome.ToWire())
                .Add("Detail", forwarder.RequestRejection)
                .Add(error).Write();
        }
    }

    internal static HandshakeFailureReason Classify(Exception ex, HandshakeContext context)
    {
        if (context.Failure is { } recorded)
        {
            return recorded;
        }

        return ex switch
        {
            OperationCanceledException => HandshakeFailureReason.Timeout,
            IOException or SocketException or ObjectDisposedException => HandshakeFailureReason.ClientClosed,
            _ => HandshakeFailureReason.TlsError,
        };
    }

    private static string TlsVersionName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "1.3",
        SslProtocols.Tls12 => "1.2",
        _ => protocol.ToString(),
    };

    private static async Task CloseQuietlyAsync(SslStream tls)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await tls.ShutdownAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or TimeoutException)
        {
        }
    }
}
