using Injector.Cli.Tests.Audit;
using Injector.Testing;

namespace Injector.Cli.Tests.Conventions;

/// <summary>
/// <c>--context</c> picks a context other than the kubeconfig's current-context, in every command that reads a cluster.
/// The current-context here points at a port nobody listens on, so only the named context can succeed.
/// </summary>
public sealed class ContextOptionTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tls-injector-context-").FullName;
    private AuditCluster _cluster = null!;
    private string _kubeconfig = string.Empty;

    public async Task InitializeAsync()
    {
        _cluster = await AuditCluster.StartAsync();
        _kubeconfig = Path.Combine(_dir, "kubeconfig");
        await File.WriteAllTextAsync(_kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: gone
              cluster:
                server: http://127.0.0.1:1
            - name: fake
              cluster:
                server: {_cluster.Api.Url.ToString().TrimEnd('/')}
            contexts:
            - name: gone
              context:
                cluster: gone
                user: u
            - name: fake
              context:
                cluster: fake
                user: u
            current-context: gone
            users:
            - name: u
              user:
                token: audit-token
            """);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string[], int> Commands() => new()
    {
        { ["audit", "-n", "blog"], ExitCodes.Ok },
        { ["check", "-f", Path.Combine(RepositoryPaths.Examples, "web.yaml"), "--cluster"], ExitCodes.PolicyErrors },
        { ["version", "--cluster", "--injector-namespace", "shop"], ExitCodes.NotInstalled },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task NamedContext_IsUsed(string[] args, int expected)
    {
        var stderr = new StringWriter();

        var withContext = await Program.RunAsync([.. args, "--kubeconfig", _kubeconfig, "--context", "fake"], TextReader.Null, TextWriter.Null, stderr, CancellationToken.None);
        var requests = _cluster.Api.Requests.Count;
        await Program.RunAsync([.. args, "--kubeconfig", _kubeconfig], TextReader.Null, TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.True(expected == withContext, stderr.ToString());
        Assert.True(requests > 0, "the named context's server was asked");
        Assert.Equal(requests, _cluster.Api.Requests.Count); // without --context, the current-context's (dead) server was
    }

    [Fact]
    public async Task UnknownContext_IsAUsageError()
    {
        var stderr = new StringWriter();

        var code = await Program.RunAsync(["audit", "--kubeconfig", _kubeconfig, "--context", "nope"], TextReader.Null, TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("(context nope)", stderr.ToString(), StringComparison.Ordinal);
    }
}
