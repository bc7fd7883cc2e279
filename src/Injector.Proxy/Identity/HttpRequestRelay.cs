using System.Buffers;
using System.Security.Authentication;
using Injector.Proxy.Forwarding;

namespace Injector.Proxy.Identity;

/// <summary>
/// The client-to-app direction of a connection in <c>http-header</c> mode: reads HTTP/1.x requests, drops every
/// <c>X-Forwarded-Client-Cert</c> the client sent, adds the proxy's own to each head, and streams bodies through as
/// they arrive (Content-Length or chunked; at most one buffer is held). A request it will not pass on ends the
/// direction: the app gets a FIN after the requests before it, and <see cref="Rejection"/> says why.
/// </summary>
internal sealed partial class HttpRequestRelay
{
    /// <summary>The read buffer; a request head (request line and headers) must fit in it.</summary>
    internal const int BufferSize = 32 * 1024;

    private const int MaxChunkLine = 4 * 1024;

    private readonly byte[] _identityLine;
    private readonly Action<int> _countFromClient;
    private byte[]? _buffer;
    private int _start;   // first received byte not yet parsed
    private int _end;     // end of the received bytes
    private int _flushed; // parsed body bytes from here to _start are still to be sent to the app
    private bool _writing;
    private int _requests;

    /// <param name="identityLine">The header line to add, or empty when the client sent no certificate (then the client's copies are still dropped).</param>
    /// <param name="countFromClient">Called with each count of bytes read from the client.</param>
    public HttpRequestRelay(byte[] identityLine, Action<int> countFromClient)
    {
        _identityLine = identityLine;
        _countFromClient = countFromClient;
    }

    /// <summary>Why the relay stopped passing requests on; null while it has not.</summary>
    public string? Rejection { get; private set; }

    private Span<byte> Unparsed => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Runs until the client ends its side, a request is refused, a side fails, or the copy is cancelled. Never throws.</summary>
    public async Task<(ForwardOutcome Outcome, Exception? Error)> RunAsync(Stream client, Stream app, CancellationToken cancellationToken)
    {
        try
        {
            while (await ReadHeadAsync(client, app, cancellationToken).ConfigureAwait(false) is var length and > 0)
            {
                var head = HttpRequestHead.Parse(_buffer.AsSpan(_start, length), out var error);
                _requests++;
                if (head is null || (head.SwitchesProtocol && _requests > 1))
                {
                    Rejection = error ?? "an Upgrade or CONNECT request that is not the first on its connection";
                    break;
                }

                await WriteHeadAsync(head, length, app, cancellationToken).ConfigureAwait(false);
                var complete = head.Chunked
                    ? await RelayChunkedAsync(client, app, cancellationToken).ConfigureAwait(false)
                    : await RelayBytesAsync(head.ContentLength, client, app, cancellationToken).ConfigureAwait(false);
                if (!complete)
                {
                    break;
                }

                if (head.SwitchesProtocol && await SwitchedAsync(app, cancellationToken).ConfigureAwait(false))
                {
                    await RelayBytesAsync(long.MaxValue, client, app, cancellationToken).ConfigureAwait(false);
                    break;
                }

                await FlushAsync(app, cancellationToken).ConfigureAwait(false);
                ReleaseBufferWhenEmpty();
            }

            return (ForwardOutcome.Completed, null);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException)
        {
            // A stopped copy shuts the sockets down, which fails what was pending: that is the stop, not a side's fault.
            return cancellationToken.IsCancellationRequested
                ? (ForwardOutcome.Aborted, null)
                : (_writing ? ForwardOutcome.AppError : ForwardOutcome.ClientError, ex);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return (ForwardOutcome.Aborted, null);
        }
        finally
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }
        }
    }

    /// <summary>The length of the next complete head at <c>_start</c>; 0 when the client ended or the head is refused.</summary>
    private async ValueTask<int> ReadHeadAsync(Stream client, Stream app, CancellationToken cancellationToken)
    {
        while (true)
        {
            // RFC 9112 §2.2: empty lines before a request line are ignored.
            while (Unparsed.StartsWith("\r\n"u8))
            {
                _start += 2;
                _flushed = _start;
            }

            var end = Unparsed.IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return end + 4;
            }

            if (_end - _start == BufferSize)
            {
                Rejection = $"a request head larger than {BufferSize / 1024} KiB";
                return 0;
            }

            if (!await FillAsync(client, app, cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }
    }

    private async ValueTask WriteHeadAsync(HttpRequestHead head, int length, Stream app, CancellationToken cancellationToken)
    {
        var rewritten = ArrayPool<byte>.Shared.Rent(length + _identityLine.Length);
        try
        {
            var size = head.Rewrite(_buffer.AsSpan(_start, length), _identityLine, rewritten);
            _start += length;
            _flushed = _start;
            if (head.SwitchesProtocol)
            {
                // Armed before the app can see the request, so its answer is the first response bytes watched.
                ArmSwitch(head.IsConnect);
            }

            _writing = true;
            await app.WriteAsync(rewritten.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
            _writing = false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rewritten);
        }
    }

    /// <summary>Passes <paramref name="count"/> body bytes on (all of them, to the client's end, with long.MaxValue); false if the client ended first.</summary>
    private async ValueTask<bool> RelayBytesAsync(long count, Stream client, Stream app, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(client, app, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }

        return true;
    }

    /// <summary>
    /// Sends the parsed bytes not yet sent, then reads more from the client into the free end of the buffer (moving
    /// the unparsed bytes to its front first when the end is full). False at the client's end of stream.
    /// </summary>
    private async ValueTask<bool> FillAsync(Stream client, Stream app, CancellationToken cancellationToken)
    {
        await FlushAsync(app, cancellationToken).ConfigureAwait(false);
        if (_buffer is null)
        {
            // As in the L4 copy: an idle connection waits without a buffer.
            await client.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            _start = _end = _flushed = 0;
        }
        else if (_end == BufferSize || _start == _end)
        {
            Unparsed.CopyTo(_buffer);
            _end -= _start;
            _start = _flushed = 0;
        }

        var read = await client.ReadAsync(_buffer.AsMemory(_end, BufferSize - _end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return false;
        }

        _end += read;
        _countFromClient(read);
        return true;
    }

    private async ValueTask FlushAsync(Stream app, CancellationToken cancellationToken)
    {
        if (_start > _flushed)
        {
            _writing = true;
            await app.WriteAsync(_buffer.AsMemory(_flushed, _start - _flushed), cancellationToken).ConfigureAwait(false);
            _writing = false;
            _flushed = _start;
        }
    }

    private void ReleaseBufferWhenEmpty()
    {
        if (_buffer is not null && _start == _end)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _start = _end = _flushed = 0;
        }
    }
}
