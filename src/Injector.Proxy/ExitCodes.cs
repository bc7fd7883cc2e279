namespace Injector.Proxy;

/// <summary>The process exit codes of <c>tls-proxy</c>, named once.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Invalid configuration, a port that cannot be bound, or <c>wait</c> timed out.</summary>
    public const int Failed = 1;

    /// <summary>Unknown command or option.</summary>
    public const int Usage = 2;
}
