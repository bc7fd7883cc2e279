namespace Injector.Cli;

/// <summary>What <c>tls-injector</c> returns, named once.</summary>
internal static class ExitCodes
{
    /// <summary>Everything injected or valid.</summary>
    public const int Ok = 0;

    /// <summary>A workload's settings or Secrets are wrong (the messages say what and how to fix it).</summary>
    public const int PolicyErrors = 1;

    /// <summary><c>doctor</c>: at least one check failed (each says how to fix it).</summary>
    public const int ChecksFailed = 1;

    /// <summary><c>version --cluster</c>: no webhook Deployment in the namespace asked.</summary>
    public const int NotInstalled = 1;

    /// <summary>
    /// A usage error in any command (unknown option, bad value; see Program.RunAsync), or input that could not be
    /// read: a missing file, broken YAML, an unusable kubeconfig.
    /// </summary>
    public const int BadInput = 2;
}
