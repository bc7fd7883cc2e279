using System.Security.Cryptography.X509Certificates;
using Injector.Cli.Commands;
using Injector.Tls.Certificates;

namespace Injector.Cli.Tests.Commands;

public sealed class CertsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tls-injector-certs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Writes_ServingCertificate_SignedByItsCa_WithPrivateKeyModes()
    {
        var code = CertsCommand.Handler(TextWriter.Null, TextWriter.Null, ["svc.ns.svc", "svc.ns.svc.cluster.local"], ["127.0.0.1"], _dir, 30, false);

        Assert.Equal(ExitCodes.Ok, code);
        var loaded = PemCertificateLoader.LoadServerFromDirectory(_dir);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt")));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(loaded.Leaf));
        Assert.True(loaded.Leaf.MatchesHostname("svc.ns.svc.cluster.local"));
        Assert.False(File.Exists(Path.Combine(_dir, "ca.key")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "tls.key")));
        }
    }

    [Theory]
    [InlineData(new string[0], new string[0], 90, "at least one --dns")]
    [InlineData(new[] { "a.b" }, new[] { "not-an-ip" }, 90, "is not an IP address")]
    [InlineData(new[] { "a.b" }, new string[0], 0, "--days must be")]
    public void Rejects_BadArguments(string[] dns, string[] ips, int days, string expected)
    {
        var stderr = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, CertsCommand.Handler(TextWriter.Null, stderr, dns, ips, _dir, days, false));
        Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
    }
}
