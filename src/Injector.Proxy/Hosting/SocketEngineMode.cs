namespace Injector.Proxy.Hosting;

/// <summary>
/// Runs socket continuations on the runtime's epoll threads (one per core) instead of queueing each one to the
/// thread pool: the event-loop shape of haproxy and nginx. On this proxy's path every step after a socket event is
/// short and non-blocking (a TLS record, a handshake step, a copy), so the thread-pool hop per read and write is pure
/// overhead: +25–35 % full handshakes/s on 2 cores (docs/benchmarks/proxy.md, run 4).
/// </summary>
internal static class SocketEngineMode
{
    /// <summary>The runtime reads this once, when the first socket is created.</summary>
    internal const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns inline completions on unless the environment already says otherwise (set it to <c>0</c> to get the
    /// thread-pool dispatch back). Must run before the first <see cref="System.Net.Sockets.Socket"/> exists.
    /// </summary>
    public static void PreferInlineCompletions(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (string.IsNullOrEmpty(environment(InlineCompletionsVariable)))
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }
}
