namespace Injector.Proxy.Hosting;

/// <summary>Counts in-flight connections so a drain can wait for the last one to finish.</summary>
internal sealed class ConnectionTracker
{
    private readonly Lock _lock = new();
    private int _count;
    private TaskCompletionSource? _idle;

    public int Count => Volatile.Read(ref _count);

    public void Enter()
    {
        lock (_lock)
        {
            _count++;
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            if (--_count == 0)
            {
                _idle?.TrySetResult();
            }
        }
    }

    /// <summary>Completes when no connection is in flight; true if that happened before <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForIdleAsync(TimeSpan timeout, TimeProvider time)
    {
        Task idle;
        lock (_lock)
        {
            if (_count == 0)
            {
                return true;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }

        try
        {
            await idle.WaitAsync(timeout, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
