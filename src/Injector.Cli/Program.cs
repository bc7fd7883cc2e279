using System.CommandLine;
using System.CommandLine.Invocation;
using Injector.Cli.Commands;

namespace Injector.Cli;

internal static class Program
{
    /// <summary>The command's name in help, completion scripts and messages.</summary>
    public const string ToolName = "tls-injector";

    public static Task<int> Main(string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A parse error (unknown option, missing or invalid value) exits
    /// <see cref="ExitCodes.BadInput"/> in every command: System.CommandLine's own error action returns 1, which
    /// <c>check</c>, <c>audit</c> and <c>doctor</c> use for findings, so a script could not tell a typo from a finding.
    /// </summary>
    internal static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var parse = BuildRoot(stdin, stdout, stderr).Parse(args);
        var code = await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
        return parse.Action is ParseErrorAction ? ExitCodes.BadInput : code;
    }

    /// <summary>The command tree, writing to the given streams so tests can run it in-process.</summary>
    internal static RootCommand BuildRoot(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("tls-injector: inject and check TLS sidecars for Kubernetes workloads.")
        {
            InjectCommand.Create(stdin, stdout, stderr),
            CheckCommand.Create(stdin, stdout, stderr),
            CertsCommand.Create(stdout, stderr),
            NetpolCommand.Create(stdin, stdout, stderr),
            AuditCommand.Create(stdout, stderr),
            DoctorCommand.Create(stdout, stderr),
            VersionCommand.Create(stdout, stderr),
            CompletionCommand.Create(stdout),
        };

        // Named here, not from the entry assembly: under a test host or `dotnet tls-injector.dll` that is another name.
        root.HelpName = ToolName;
        return root;
    }
}
