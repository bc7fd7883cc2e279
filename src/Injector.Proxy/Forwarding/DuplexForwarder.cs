using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using Injector.Proxy.Identity;
using Injector.Proxy.Metrics;

namespace Injector.Proxy.Forwarding;

/// <summary>
/// Copies bytes both ways between the decrypted client stream and the app socket until both directions end.
/// Half-close is passed on: the client's close_notify/FIN becomes a FIN to the app, the app's FIN becomes a
/// close_notify plus FIN to the client, and the other direction carries on. Back-pressure is the await: nothing is
/// read from one side before the previous chunk was written to the other.
/// </summary>
internal sealed class DuplexForwarder
{
    // 16 KiB is one full TLS record of plaintext (RFC 8446 §5.1), so a read from SslStream never returns more.
    internal const int ClientBufferSize = 16 * 1024;

    // Bigger reads from the app let SslStream seal several records per write call (fewer syscalls on bulk downloads).
    internal const int AppBufferSize = 32 * 1024;

    private readonly SslStream _client;
    private readonly SocketStream _clientTransport;
    private readonly Socket _clientSocket;
    private readonly SocketStream _app;
    private readonly Socket _appSocket;
    private readonly ProxyMetrics _metrics;
    private readonly TimeSpan _linger;
    private readonly HttpRequestRelay? _requests;
    private long _fromClient;
    private long _toClient;

    // clientTransport is the socket stream under the SslStream: it tells the client's reset from a clean end of stream.
    // identityLine, in http-header mode only, makes the client-to-app direction an HTTP/1.x relay that sets the header.
    public DuplexForwarder(SslStream client, SocketStream clientTransport, Socket clientSocket, SocketStream app, Socket appSocket, ProxyMetrics metrics, TimeSpan linger, byte[]? identityLine = null)
    {
        _client = client;
        _clientTransport = clientTransport;
        _clientSocket = clientSocket;
        _app = app;
        _appSocket = appSocket;
        _metrics = metrics;
        _linger = linger;
        if (identityLine is not null)
        {
            _requests = new HttpRequestRelay(identityLine, bytes => Count(upstream: true, bytes));
        }
    }

    public long BytesFromClient => _fromClient;

    public long BytesToClient => _toClient;

    /// <summary>In http-header mode, why the relay stopped passing requests on; null otherwise.</summary>
    public string? RequestRejection => _requests?.Rejection;

    /// <summary>Runs until both directions are done, one side fails, or <paramref name="abort"/> fires. Never throws.</summary>
    public async Task<(ForwardOutcome Outcome, Exception? Error)> RunAsync(CancellationToken abort)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort);

        // The copies read and write without a token: stopping shuts both sockets down once, which ends whatever is
        // pending, instead of every read registering and removing a cancellation callback of its own.
        using var shutdownOnStop = stop.Token.UnsafeRegister(static state => ((DuplexForwarder)state!).ShutdownBoth(), this);
        var upstream = ClientToAppAsync(stop.Token);
        var downstream = AppToClientAsync(stop.Token);

        var first = await Task.WhenAny(upstream, downstream).ConfigureAwait(false);
        var (firstOutcome, firstError) = await first.ConfigureAwait(false);
        if (firstOutcome != ForwardOutcome.Completed)
        {
            // One side broke: the other copy cannot finish meaningfully.
            await stop.CancelAsync().ConfigureAwait(false);
        }
        else if (first == downstream && _linger > TimeSpan.Zero)
        {
            // The app is done; a client that never closes its side must not pin the connection forever.
            stop.CancelAfter(_linger);
        }

        var second = first == upstream ? downstream : upstream;
        var (secondOutcome, secondError) = await second.ConfigureAwait(false);
        if (firstOutcome != ForwardOutcome.Completed)
        {
            return (abort.IsCancellationRequested ? ForwardOutcome.Aborted : firstOutcome, firstError);
        }

        if (secondOutcome == ForwardOutcome.Aborted && !abort.IsCancellationRequested && first == downstream)
        {
            return (ForwardOutcome.ClientLingered, null);
        }

        return (secondOutcome, secondError);
    }

    private async Task<(ForwardOutcome, Exception?)> ClientToAppAsync(CancellationToken cancellationToken)
    {
        var result = _requests is null
            ? await PumpAsync(_client, _app, ClientBufferSize, upstream: true, cancellationToken).ConfigureAwait(false)
            : await _requests.RunAsync(_client, _app, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == ForwardOutcome.Completed && _clientTransport.PeerReset is { } reset)
        {
            return (ForwardOutcome.ClientError, reset);
        }

        if (result.Outcome == ForwardOutcome.Completed)
        {
            // The client finished sending (close_notify or FIN): half-close towards the app and keep reading its answer.
            ShutdownSend(_appSocket);
        }

        return result;
    }

    private async Task<(ForwardOutcome, Exception?)> AppToClientAsync(CancellationToken cancellationToken)
    {
        var result = await PumpAsync(_app, _client, AppBufferSize, upstream: false, cancellationToken).ConfigureAwait(false);
        _requests?.ResponsesEnded();
        if (result.Outcome != ForwardOutcome.Completed)
        {
            return result;
        }

        if (_app.PeerReset is { } reset)
        {
            return (ForwardOutcome.AppError, reset);
        }

        // The app finished: close_notify, then FIN, so the client reads a clean end of stream.
        try
        {
            await _client.ShutdownAsync().ConfigureAwait(false);
            ShutdownSend(_clientSocket);
            return (ForwardOutcome.Completed, null);
        }
        catch (IOException ex)
        {
            return (ForwardOutcome.ClientError, ex);
        }
        catch (ObjectDisposedException)
        {
            return (ForwardOutcome.Aborted, null);
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="sink"/> until the source ends (Completed), a side fails,
    /// or the copy is stopped (Aborted: the sockets were shut down, so whatever a read or write returned then means
    /// nothing). Failures are attributed to the side that failed.
    /// </summary>
    private async Task<(ForwardOutcome Outcome, Exception? Error)> PumpAsync(Stream source, Stream sink, int bufferSize, bool upstream, CancellationToken cancellationToken)
    {
        var (sourceFailed, sinkFailed) = upstream ? (ForwardOutcome.ClientError, ForwardOutcome.AppError) : (ForwardOutcome.AppError, ForwardOutcome.ClientError);
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    if (buffer is null)
                    {
                        // Wait for data without holding a buffer: an idle keep-alive connection then costs no buffer
                        // (SslStream passes a zero-byte read to the socket when it has nothing decrypted;
                        // dotnet/runtime#49000). Most resets arrive here, while the connection is idle.
                        await source.ReadAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                        buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                    }

                    read = await source.ReadAsync(buffer.AsMemory(0, bufferSize), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
                {
                    return cancellationToken.IsCancellationRequested ? (ForwardOutcome.Aborted, null) : (sourceFailed, ex);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return (ForwardOutcome.Aborted, null);
                }

                if (read == 0)
                {
                    return (ForwardOutcome.Completed, null);
                }

                if (!upstream)
                {
                    _requests?.ObserveResponse(buffer.AsSpan(0, read));
                }

                try
                {
                    await sink.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    return cancellationToken.IsCancellationRequested ? (ForwardOutcome.Aborted, null) : (sinkFailed, ex);
                }

                Count(upstream, read);

                // Keep the buffer while data streams (a full read means more is likely queued); give it back when idle.
                if (read < bufferSize)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (ForwardOutcome.Aborted, null);
        }
        catch (ObjectDisposedException)
        {
            return (ForwardOutcome.Aborted, null);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private void Count(bool upstream, int bytes)
    {
        if (upstream)
        {
            _fromClient += bytes;
            _metrics.AddBytesFromClient(bytes);
        }
        else
        {
            _toClient += bytes;
            _metrics.AddBytesToClient(bytes);
        }
    }

    private void ShutdownBoth()
    {
        foreach (var socket in (ReadOnlySpan<Socket>)[_clientSocket, _appSocket])
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private static void ShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Already reset by the peer: the other direction will see it.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
