using System.Diagnostics;
using Injector.Cli.Commands;

namespace Injector.Cli.Tests.Commands;

public sealed class CompletionCommandTests
{
    [Theory]
    [InlineData("tls-injector ", new[] { "audit", "certs", "check", "completion", "doctor", "inject", "netpol", "version" })]
    [InlineData("tls-injector doc", new[] { "doctor" })]
    [InlineData("tls-injector doctor -o ", new[] { "json", "text", "yaml" })]
    [InlineData("tls-injector audit --res", new[] { "--restart-owners" })]
    [InlineData("tls-injector completion ", new[] { "bash", "zsh" })]
    public async Task SuggestDirective_CompletesCommandsOptionsAndValues(string line, string[] expected)
    {
        var stdout = new StringWriter();

        var code = await Program.RunAsync([$"[suggest:{line.Length}]", line], TextReader.Null, stdout, TextWriter.Null, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, code);
        var suggestions = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.All(expected, e => Assert.Contains(e, suggestions));
    }

    /// <summary>The bash script, sourced in a real bash, calls the real tls-injector executable and fills COMPREPLY.</summary>
    [BashFact]
    public async Task BashScript_CompletesThroughTheExecutable()
    {
        var script = new StringWriter();
        Assert.Equal(ExitCodes.Ok, CompletionCommand.Handler(script, CompletionCommand.Bash));
        var dir = Directory.CreateTempSubdirectory("tls-injector-completion-").FullName;
        try
        {
            var scriptPath = Path.Combine(dir, "completion.bash");
            await File.WriteAllTextAsync(scriptPath, script.ToString());
            var start = new ProcessStartInfo("bash", ["--norc", "--noprofile", "-c", """
                source "$1"
                complete -p tls-injector
                COMP_LINE="tls-injector doctor -o y"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(tls-injector doctor -o y); COMP_CWORD=3
                _tls_injector_complete; echo "reply: ${COMPREPLY[*]}"
                COMP_LINE="tls-injector au"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(tls-injector au); COMP_CWORD=1
                _tls_injector_complete; echo "reply: ${COMPREPLY[*]}"
                """, "bash", scriptPath])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };

            // The test output directory holds the CLI's apphost, named tls-injector as installed.
            start.Environment["PATH"] = AppContext.BaseDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
            using var bash = Process.Start(start)!;
            var output = await bash.StandardOutput.ReadToEndAsync();
            var errors = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();

            Assert.True(bash.ExitCode == 0, errors);
            Assert.Equal(["complete -o default -F _tls_injector_complete tls-injector", "reply: yaml", "reply: audit"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ZshScript_RunsTheBashFunctionThroughBashcompinit()
    {
        var script = new StringWriter();

        Assert.Equal(ExitCodes.Ok, CompletionCommand.Handler(script, CompletionCommand.Zsh));

        Assert.StartsWith("autoload -U +X bashcompinit && bashcompinit\n", script.ToString(), StringComparison.Ordinal);
        Assert.Contains("complete -o default -F _tls_injector_complete tls-injector", script.ToString(), StringComparison.Ordinal);
    }

    private sealed class BashFactAttribute : FactAttribute
    {
        public BashFactAttribute()
        {
            if (!File.Exists("/bin/bash") && !File.Exists("/usr/bin/bash"))
            {
                Skip = "bash is not installed, so the completion script cannot be run.";
            }
        }
    }
}
