using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Injector.Proxy.Forwarding;

/// <summary>
/// A <see cref="Stream"/> over a connected socket whose reads end with 0 bytes when the peer resets the connection,
/// and remember it in <see cref="PeerReset"/>, where <see cref="NetworkStream"/> throws. Most clients leave with a
/// reset (they close with unread data, such as TLS 1.3 session tickets), and each thrown reset cost two exceptions
/// with captured stack traces unwound through SslStream's async frames: about a tenth of the proxy's CPU per
/// short connection under the handshake benchmark (a profile with <c>perf</c>, docs/benchmarks/proxy.md).
/// Kestrel's socket transport reads the same way. Other errors throw <see cref="IOException"/> as NetworkStream does;
/// a cancelled read shuts the socket down and throws <see cref="OperationCanceledException"/> (cancellation here
/// always means the connection is being torn down).
/// </summary>
internal sealed class SocketStream : Stream
{
    private readonly Socket _socket;
    private readonly ReceiveOperation _receive;
    private SocketException? _peerReset;
    private bool _disposed;

    public SocketStream(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _receive = new ReceiveOperation(this);
    }

    /// <summary>The reset that ended the reads, or null: a 0-byte read with this set was not a clean FIN.</summary>
    public SocketException? PeerReset => _peerReset;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_peerReset is not null)
        {
            return ValueTask.FromResult(0);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!cancellationToken.CanBeCanceled)
        {
            // The forwarder's path: no registration, no state machine, no allocation per read.
            return _receive.ReceiveBytesAsync(_socket, buffer);
        }

        return ReadCancellableAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> ReadCancellableAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // Shutting the socket down wakes the pending receive with 0 bytes; the token then tells the caller why.
        using (cancellationToken.UnsafeRegister(static state => ((SocketStream)state!).ShutdownQuietly(), this))
        {
            var result = await _receive.ReceiveAsync(_socket, buffer).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return Interpret(result);
        }
    }

    private int Interpret(ReceiveResult result)
    {
        switch (result.Error)
        {
            case SocketError.Success:
                return result.Bytes;
            case SocketError.ConnectionReset or SocketError.ConnectionAborted:
                // Created, not thrown: no stack to capture, and the forwarder reports it as the client's error.
                _peerReset = new SocketException((int)result.Error);
                return 0;
            case SocketError.OperationAborted:
                // The socket was closed under the read (the connection is being torn down).
                throw new ObjectDisposedException(nameof(SocketStream));
            default:
                throw new IOException($"Unable to read data from the socket: {result.Error}", new SocketException((int)result.Error));
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            while (!buffer.IsEmpty)
            {
                var sent = await _socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                buffer = buffer[sent..];
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode != SocketError.OperationAborted)
        {
            throw new IOException($"Unable to write data to the socket: {ex.Message}", ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // SslStream and the forwarder only use the asynchronous members; the synchronous ones exist for Stream's contract
    // and block on the socket itself (never on a task: that could stall an epoll thread, see SocketEngineMode).
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_peerReset is not null)
        {
            return 0;
        }

        var read = _socket.Receive(buffer, SocketFlags.None, out var error);
        return Interpret(new ReceiveResult(read, error));
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            var sent = _socket.Send(buffer, SocketFlags.None, out var error);
            if (error != SocketError.Success)
            {
                throw new IOException($"Unable to write data to the socket: {error}", new SocketException((int)error));
            }

            buffer = buffer[sent..];
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _socket.Dispose();
            _receive.Dispose();
        }

        base.Dispose(disposing);
    }

    private void ShutdownQuietly()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private readonly record struct ReceiveResult(int Bytes, SocketError Error);

    /// <summary>
    /// One reusable receive: a <see cref="SocketAsyncEventArgs"/> awaited as a ValueTask, no allocation per read.
    /// Awaited as <c>ValueTask&lt;int&gt;</c> it hands back the stream's interpretation (bytes, 0 on reset, or throws).
    /// </summary>
    private sealed class ReceiveOperation(SocketStream owner)
        : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true), IValueTaskSource<ReceiveResult>, IValueTaskSource<int>
    {
        private ManualResetValueTaskSourceCore<ReceiveResult> _core;

        public ValueTask<ReceiveResult> ReceiveAsync(Socket socket, Memory<byte> buffer)
        {
            SetBuffer(buffer);
            if (!socket.ReceiveAsync(this))
            {
                return ValueTask.FromResult(new ReceiveResult(BytesTransferred, SocketError));
            }

            return new ValueTask<ReceiveResult>(this, _core.Version);
        }

        public ValueTask<int> ReceiveBytesAsync(Socket socket, Memory<byte> buffer)
        {
            SetBuffer(buffer);
            if (!socket.ReceiveAsync(this))
            {
                return ValueTask.FromResult(owner.Interpret(new ReceiveResult(BytesTransferred, SocketError)));
            }

            return new ValueTask<int>(this, _core.Version);
        }

        protected override void OnCompleted(SocketAsyncEventArgs e) => _core.SetResult(new ReceiveResult(BytesTransferred, SocketError));

        public ReceiveResult GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
            }
        }

        int IValueTaskSource<int>.GetResult(short token) => owner.Interpret(GetResult(token));

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }
}
