namespace Injector.Tls.Certificates;

/// <summary>
/// Polls a <see cref="CertificateStore"/>'s files on a timer. Polling, not inotify, because the kubelet
/// updates a Secret volume by swapping the <c>..data</c> symlink, which file watchers on the visible paths miss
/// (dotnet/aspnetcore#50251).
/// </summary>
public sealed class CertificateFileWatcher : IDisposable
{
    private readonly CertificateStore _store;
    private readonly ITimer _timer;

    public CertificateFileWatcher(CertificateStore store, TimeSpan interval, TimeProvider timeProvider, Action<ReloadOutcome, CertificateStore>? onPoll = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _timer = timeProvider.CreateTimer(_ => onPoll?.Invoke(_store.Reload(), _store), null, interval, interval);
    }

    public void Dispose() => _timer.Dispose();
}
