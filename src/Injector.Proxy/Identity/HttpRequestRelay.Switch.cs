namespace Injector.Proxy.Identity;

internal sealed partial class HttpRequestRelay
{
    private readonly byte[] _status = new byte[12];
    private TaskCompletionSource<bool>? _switch;
    private bool _switchIsConnect;
    private int _statusLength;

    /// <summary>
    /// Called by the app-to-client copy with every chunk it reads, before it passes it on. While an Upgrade or
    /// CONNECT is pending, the first 12 bytes (<c>HTTP/1.1 101</c>) say whether the app switched protocols.
    /// </summary>
    public void ObserveResponse(ReadOnlySpan<byte> bytes)
    {
        var pending = Volatile.Read(ref _switch);
        if (pending is null || pending.Task.IsCompleted)
        {
            return;
        }

        var take = Math.Min(bytes.Length, _status.Length - _statusLength);
        bytes[..take].CopyTo(_status.AsSpan(_statusLength));
        _statusLength += take;
        if (_statusLength == _status.Length)
        {
            var status = _status.AsSpan();
            var switched = status[..7].SequenceEqual("HTTP/1."u8) && status[8] == (byte)' '
                && (_switchIsConnect ? status[9] == (byte)'2' : status[9..].SequenceEqual("101"u8));
            pending.TrySetResult(switched);
        }
    }

    /// <summary>Called when the app-to-client copy ends: a pending switch did not happen.</summary>
    public void ResponsesEnded() => Volatile.Read(ref _switch)?.TrySetResult(false);

    private void ArmSwitch(bool isConnect)
    {
        _switchIsConnect = isConnect;
        _statusLength = 0;
        Volatile.Write(ref _switch, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>
    /// Waits for the app's answer to the Upgrade or CONNECT just sent. Only the first request of a connection may
    /// switch, so the first response bytes are that answer; anything unexpected (a 100 Continue first) counts as
    /// not switched, and the next bytes are parsed as HTTP again.
    /// </summary>
    private async ValueTask<bool> SwitchedAsync(Stream app, CancellationToken cancellationToken)
    {
        await FlushAsync(app, cancellationToken).ConfigureAwait(false);
        return Volatile.Read(ref _switch) is { } pending && await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
