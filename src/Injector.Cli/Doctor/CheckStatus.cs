namespace Injector.Cli.Doctor;

/// <summary>The outcome of one doctor check. Only <see cref="Fail"/> makes doctor exit 1.</summary>
internal enum CheckStatus
{
    Pass,

    /// <summary>Works today, needs attention soon (a certificate close to expiry, stale sidecars).</summary>
    Warn,

    Fail,
}
