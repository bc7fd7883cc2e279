using System.Globalization;
using Injector.Proxy.Commands;
using Injector.Proxy.Tests.Support;
using Injector.Testing;
using Injector.Tls.ProxyContract;

namespace Injector.Proxy.Tests.Commands;

public sealed class WaitCommandTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly SecretVolume _secret = new();

    [Fact]
    public async Task ReturnsZero_OnceTheProxyHasStarted()
    {
        _secret.WriteServer(_pki.Server());
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        var env = ProxyHarness.Environment(app.Port, _secret.Directory);
        env[ProxyEnvironment.HealthPort] = proxy.Host.HealthEndPoint.Port.ToString(CultureInfo.InvariantCulture);
        var stdout = new StringWriter();

        var code = await WaitCommand.RunAsync(["--timeout", "5"], n => env.GetValueOrDefault(n), stdout, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains("started after", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnsOne_WhenTheProxyNeverStarts()
    {
        // A proxy without a certificate is up but not started; a closed port is not even up. Both time out.
        await using var app = new EchoApp();
        await using var proxy = ProxyHarness.Start(ProxyHarness.Environment(app.Port, _secret.Directory));
        var env = ProxyHarness.Environment(app.Port, _secret.Directory);
        env[ProxyEnvironment.HealthPort] = proxy.Host.HealthEndPoint.Port.ToString(CultureInfo.InvariantCulture);
        var stderr = new StringWriter();

        var code = await WaitCommand.RunAsync(["--timeout=1"], n => env.GetValueOrDefault(n), TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("/started answered 503", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--timeout", "soon")]
    [InlineData("--frobnicate")]
    public async Task ReturnsTwo_OnBadArguments(params string[] args)
        => Assert.Equal(2, await WaitCommand.RunAsync(args, _ => null, TextWriter.Null, TextWriter.Null, CancellationToken.None));

    public void Dispose()
    {
        _secret.Dispose();
        _pki.Dispose();
    }
}
