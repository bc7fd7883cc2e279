using System.CommandLine;

namespace Injector.Cli.Commands;

/// <summary>
/// <c>tls-injector completion bash|zsh</c>: a script that asks <c>tls-injector</c> itself for completions through
/// System.CommandLine's <c>[suggest:POSITION]</c> directive, as dotnet-suggest's shims do, without needing that tool.
/// zsh runs the bash function through bashcompinit.
/// </summary>
internal static class CompletionCommand
{
    public const string Bash = "bash";
    public const string Zsh = "zsh";

    public static Command Create(TextWriter stdout)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong(Bash, Zsh);
        var command = new Command(
            "completion",
            "Print a shell completion script: source <(tls-injector completion bash), or source <(tls-injector completion zsh).")
        {
            shell,
        };
        command.SetAction(parse => Handler(stdout, parse.GetRequiredValue(shell)));
        return command;
    }

    internal static int Handler(TextWriter stdout, string shell)
    {
        stdout.Write(shell == Zsh ? "autoload -U +X bashcompinit && bashcompinit\n" + BashScript : BashScript);
        return ExitCodes.Ok;
    }

    // COMP_POINT is the cursor's offset in COMP_LINE, which is what the directive's position means.
    private const string BashScript = """
        # tls-injector completion for bash (and zsh through bashcompinit).
        _tls_injector_complete() {
            local IFS=$'\n'
            local candidates
            candidates=$(tls-injector "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
            COMPREPLY=($(compgen -W "${candidates}" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _tls_injector_complete tls-injector

        """;
}
