using Injector.Cli.Commands;
using Injector.Testing;

namespace Injector.Cli.Tests.Commands;

public sealed class CheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tls-injector-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Rejects_BadExample_WithEveryMessage()
    {
        var (code, stdout) = await RunAsync(Path.Combine(RepositoryPaths.Examples, "bad-mtls.yaml"));
        Assert.Equal(ExitCodes.PolicyErrors, code);
        Assert.Contains("Secret \"shop/reports-tls\" does not exist", stdout, StringComparison.Ordinal);
        Assert.Contains("client-ca-secret is missing", stdout, StringComparison.Ordinal);
        Assert.Contains("names app port \"htttp\"", stdout, StringComparison.Ordinal);
        Assert.Contains("checked 1 workload(s): 3 error(s), 0 warning(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepts_Example_WithSecretsGeneratedByCertsCommand()
    {
        var secretDir = Path.Combine(_dir, "shop", "web-tls");
        Assert.Equal(ExitCodes.Ok, CertsCommand.Handler(TextWriter.Null, TextWriter.Null, ["web", "web.shop", "web.shop.svc", "web.shop.svc.cluster.local"], [], secretDir, 90, false));

        var (code, stdout) = await RunAsync(Path.Combine(RepositoryPaths.Examples, "web.yaml"), _dir);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("checked 1 workload(s): 0 error(s), 0 warning(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warns_ServiceNamesMissingFromCertificate()
    {
        var secretDir = Path.Combine(_dir, "shop", "web-tls");
        Assert.Equal(ExitCodes.Ok, CertsCommand.Handler(TextWriter.Null, TextWriter.Null, ["web.shop.svc"], [], secretDir, 90, false));

        var (code, stdout) = await RunAsync(Path.Combine(RepositoryPaths.Examples, "web.yaml"), _dir);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("does not cover web, web.shop, web.shop.svc.cluster.local, names of Service \"shop/web\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warns_ExpiringCertificate_FromSecretInTheSameFile()
    {
        using var pki = new TestPki();
        using var leaf = pki.Issue("web.shop.svc", lifetime: TimeSpan.FromDays(2));
        var secret = k8s.KubernetesYaml.Serialize(TestPki.Secret("shop", "web-tls", pki.ServerData(leaf)));
        var file = Path.Combine(_dir, "all.yaml");
        await File.WriteAllTextAsync(file, secret + "\n---\n" + await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Examples, "web.yaml")));

        var (code, stdout) = await RunAsync(file);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("warning: Deployment \"shop/web\"", stdout, StringComparison.Ordinal);
        Assert.Contains("expires on", stdout, StringComparison.Ordinal);
    }

    /// <summary>batch/v1beta1 is the only CronJob version of API servers 1.19 and 1.20; skipping it would pass a broken one.</summary>
    [Theory]
    [InlineData("batch/v1")]
    [InlineData("batch/v1beta1")]
    public async Task Rejects_CronJobNamingAMissingSecret(string apiVersion)
    {
        var file = Path.Combine(_dir, "cronjob.yaml");
        await File.WriteAllTextAsync(file, $$"""
            apiVersion: {{apiVersion}}
            kind: CronJob
            metadata: {name: nightly, namespace: shop}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    metadata:
                      labels: {tls-injector.io/inject: "true"}
                      annotations: {tls-injector.io/secret: no-such-secret}
                    spec:
                      restartPolicy: Never
                      containers:
                        - {name: app, image: example/app:1, ports: [{name: http, containerPort: 8080}]}
            """);

        var (code, stdout) = await RunAsync(file);

        Assert.Equal(ExitCodes.PolicyErrors, code);
        Assert.Contains("error: CronJob \"shop/nightly\": annotation tls-injector.io/secret=\"no-such-secret\": Secret \"shop/no-such-secret\" does not exist. Fix: create it", stdout, StringComparison.Ordinal);
        Assert.Contains("checked 1 workload(s): 1 error(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_OnUnreadableYaml()
    {
        var file = Path.Combine(_dir, "broken.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: apps/v1\nkind: Deployment\nspec: {template: [\n");
        var stderr = new StringWriter();
        var code = await CheckCommand.HandlerAsync(TextReader.Null, TextWriter.Null, stderr, new CheckArguments(file, null, "default", null, null), CancellationToken.None);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("document 1", stderr.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout)> RunAsync(string file, string? secretsDir = null)
    {
        var stdout = new StringWriter();
        var code = await CheckCommand.HandlerAsync(TextReader.Null, stdout, TextWriter.Null, new CheckArguments(file, null, "default", secretsDir, null), CancellationToken.None);
        return (code, stdout.ToString());
    }
}
