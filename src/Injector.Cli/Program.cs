using System.CommandLine;
using Injector.Cli.Commands;

namespace Injector.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => BuildRoot(Console.In, Console.Out, Console.Error).Parse(args).InvokeAsync();

    /// <summary>The command tree, writing to the given streams so tests can run it in-process.</summary>
    internal static RootCommand BuildRoot(TextReader stdin, TextWriter stdout, TextWriter stderr) => new("tls-injector: inject and check TLS sidecars for Kubernetes workloads.")
    {
        InjectCommand.Create(stdin, stdout, stderr),
        CheckCommand.Create(stdin, stdout, stderr),
        CertsCommand.Create(stdout, stderr),
        NetpolCommand.Create(stdin, stdout, stderr),
        AuditCommand.Create(stdout, stderr),
    };
}
