namespace Injector.Cli.Tests.Conventions;

/// <summary>Every command answers a usage error the same way: exit 2 and a message on stderr, never 1 (a finding).</summary>
public sealed class ExitCodeTests
{
    public static TheoryData<string[]> UsageErrors() => new(
        ["nope"],
        ["inject"],
        ["inject", "-f", "x.yaml", "--no-such-option"],
        ["inject", "-f"],
        ["check"],
        ["check", "-f", "x.yaml", "-o", "xml"],
        ["check", "-f", "x.yaml", "--no-such-option"],
        ["netpol"],
        ["netpol", "-f", "x.yaml", "-o", "table"],
        ["certs"],
        ["certs", "--out", "d", "--days", "many"],
        ["certs", "--dns", "web", "-o", "json"],
        ["audit", "--no-such-option"],
        ["audit", "-o", "xml"],
        ["audit", "-n", "shop", "-A"],
        ["doctor", "--no-such-option"],
        ["doctor", "-o", "xml"],
        ["doctor", "--webhook-url", "http://127.0.0.1:8443"],
        ["version", "--no-such-option"],
        ["version", "-o", "xml"],
        ["completion"],
        ["completion", "fish"]);

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task UsageError_ExitsTwo(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await Program.RunAsync(args, TextReader.Null, stdout, stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.NotEqual(string.Empty, stderr.ToString().Trim());
    }

    public static TheoryData<string[]> MissingFiles() => new(
        ["inject", "-f", "/nonexistent/x.yaml"],
        ["check", "-f", "/nonexistent/x.yaml"],
        ["netpol", "-f", "/nonexistent/x.yaml"],
        ["audit", "--kubeconfig", "/nonexistent/kubeconfig"],
        ["doctor", "--kubeconfig", "/nonexistent/kubeconfig"],
        ["version", "--cluster", "--kubeconfig", "/nonexistent/kubeconfig"],
        ["check", "-f", "-", "--cluster", "--kubeconfig", "/nonexistent/kubeconfig"]);

    /// <summary>Input that cannot be read is a usage error too, in every command that reads a file or a kubeconfig.</summary>
    [Theory]
    [MemberData(nameof(MissingFiles))]
    public async Task UnreadableInput_ExitsTwo(string[] args)
    {
        var stderr = new StringWriter();

        var code = await Program.RunAsync(args, new StringReader(string.Empty), TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inject")]
    [InlineData("check")]
    [InlineData("netpol")]
    [InlineData("certs")]
    [InlineData("audit")]
    [InlineData("doctor")]
    [InlineData("version")]
    [InlineData("completion")]
    public async Task Help_ExitsZero(string command)
    {
        var stdout = new StringWriter();

        var code = await Program.RunAsync([command, "--help"], TextReader.Null, stdout, TextWriter.Null, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"tls-injector {command}", stdout.ToString(), StringComparison.Ordinal);
    }
}
