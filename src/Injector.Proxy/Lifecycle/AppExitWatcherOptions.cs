namespace Injector.Proxy.Lifecycle;

/// <summary>Timing of <see cref="AppExitWatcher"/>. Production uses the defaults; tests shorten them.</summary>
internal sealed record AppExitWatcherOptions
{
    /// <summary>
    /// Between two looks at <c>/proc</c>. Default 100 ms: an app container whose processes all end sooner than this
    /// can go unseen. A look reads two small files per process of the pod.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long no app process may be left before the proxy leaves. Default 5 s: it covers the few seconds the kubelet takes for its first, immediate restart of a failed app.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Added to <see cref="Grace"/> for the n-th departure of the app. Default <see cref="AppExitWatcher.KubeletBackOff"/>.</summary>
    public Func<int, TimeSpan> RestartBackOff { get; init; } = AppExitWatcher.KubeletBackOff;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
