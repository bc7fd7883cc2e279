using System.Text.Json;
using Injector.Tls.ProxyContract;

namespace Injector.Tls.Tests.ProxyContract;

public sealed class ProxySettingsTests
{
    [Fact]
    public void Parse_ReadsBackWhatToEnvironmentWrites()
    {
        var settings = new ProxySettings
        {
            Routes = [new ProxyRoute(8443, 8080), new ProxyRoute(9443, 9090)],
            CertDirectory = "/certs",
            ClientCaDirectory = "/ca",
            Mtls = MtlsMode.Required,
            AllowedClients = [ClientIdentity.TryParse("cn:a")!, ClientIdentity.TryParse("uri:spiffe://td/ns/x/sa/y")!],
            ClientIdentityMode = ClientIdentityMode.HttpHeader,
            MinTlsVersion = WireValues.Tls13,
            Plaintext = PlaintextMode.Redirect,
            HealthPort = 15021,
            AppProbes = new Dictionary<string, AppProbe> { ["/app-health/app/livez"] = new() { Port = 8080, Path = "/healthz", Scheme = "HTTP" } },
            DrainSeconds = 10,
            AppContainers = 2,
        };
        var env = settings.ToEnvironment().ToDictionary(kv => kv.Key, kv => kv.Value);

        var parsed = ProxySettings.Parse(n => env.GetValueOrDefault(n), out var errors);

        Assert.Empty(errors);
        Assert.NotNull(parsed);
        Assert.Equal(settings.ToEnvironment(), parsed.ToEnvironment());
        Assert.Equal(10, parsed.DrainSeconds);
        Assert.Equal(2, parsed.AppContainers);
        Assert.Equal(ClientIdentityMode.HttpHeader, parsed.ClientIdentityMode);
    }

    [Fact]
    public void Parse_UsesDefaults()
    {
        var parsed = ProxySettings.Parse(n => n == ProxyEnvironment.Routes ? "8443=8080" : null, out _)!;

        Assert.Equal(MtlsMode.Disabled, parsed.Mtls);
        Assert.Equal("1.2", parsed.MinTlsVersion);
        Assert.Equal(PlaintextMode.Reject, parsed.Plaintext);
        Assert.Equal(15021, parsed.HealthPort);
        Assert.Equal(25, parsed.DrainSeconds);
        Assert.Equal(5, parsed.ReloadIntervalSeconds);
        Assert.False(parsed.Metrics);
        Assert.Equal("Information", parsed.LogLevel);
        Assert.DoesNotContain(parsed.ToEnvironment(), kv => kv.Key == ProxyEnvironment.DrainSeconds);
        Assert.Equal(0, parsed.AppContainers);
        Assert.DoesNotContain(parsed.ToEnvironment(), kv => kv.Key == ProxyEnvironment.AppContainers);
        Assert.Equal(ClientIdentityMode.None, parsed.ClientIdentityMode);
        Assert.DoesNotContain(parsed.ToEnvironment(), kv => kv.Key == ProxyEnvironment.ClientIdentity);
    }

    [Theory]
    [InlineData(ProxyEnvironment.Routes, "", "is empty")]
    [InlineData(ProxyEnvironment.Routes, "8443", "not TLS=APP")]
    [InlineData(ProxyEnvironment.Routes, "8443=70000", "not TLS=APP")]
    [InlineData(ProxyEnvironment.Routes, "8443=8080,8443=8081", "twice")]
    [InlineData(ProxyEnvironment.Routes, "15021=8080", "also TLS_PROXY_HEALTH_PORT")]
    [InlineData(ProxyEnvironment.Routes, "8443=9443,9443=8080", "listens on itself")]
    [InlineData(ProxyEnvironment.Mtls, "strict", "not one of disabled")]
    [InlineData(ProxyEnvironment.Mtls, "required", "needs TLS_PROXY_CLIENT_CA_DIR")]
    [InlineData(ProxyEnvironment.AllowedClients, "spiffe://x", "not cn:NAME")]
    [InlineData(ProxyEnvironment.ClientIdentity, "xfcc", "not one of none, proxy-protocol, http-header")]
    [InlineData(ProxyEnvironment.ClientIdentity, "http-header", "needs TLS_PROXY_MTLS=optional or required")]
    [InlineData(ProxyEnvironment.ClientIdentity, "proxy-protocol", "needs TLS_PROXY_MTLS=optional or required")]
    [InlineData(ProxyEnvironment.MinTlsVersion, "1.0", "not 1.2 or 1.3")]
    [InlineData(ProxyEnvironment.AppContainers, "all", "not a number from 0 to 1000")]
    [InlineData(ProxyEnvironment.Plaintext, "allow", "not reject or redirect")]
    [InlineData(ProxyEnvironment.HealthPort, "0", "not a number from 1 to 65535")]
    [InlineData(ProxyEnvironment.ReloadIntervalSeconds, "-1", "not a number")]
    [InlineData(ProxyEnvironment.DrainSeconds, "forever", "not a number")]
    [InlineData(ProxyEnvironment.Metrics, "yes", "not true or false")]
    [InlineData(ProxyEnvironment.LogLevel, "Chatty", "not one of Verbose")]
    [InlineData(ProxyEnvironment.AppProbes, "{not json", "not valid JSON")]
    [InlineData(ProxyEnvironment.AppProbes, """{"/app-health/a/livez":{"port":0}}""", "not 1-65535")]
    [InlineData(ProxyEnvironment.AppProbes, """{"/app-health/a/livez":{"port":80,"scheme":"FTP","path":"/"}}""", "not HTTP or HTTPS")]
    [InlineData(ProxyEnvironment.AppProbes, """{"/app-health/a/livez":{"port":80,"path":"healthz"}}""", "does not start with '/'")]
    [InlineData(ProxyEnvironment.AppProbes, """{"/app-health/a/livez":null}""", "is null")]
    public void Parse_Rejects(string name, string value, string message)
    {
        var env = new Dictionary<string, string> { [ProxyEnvironment.Routes] = "8443=8080", [name] = value };

        var parsed = ProxySettings.Parse(n => env.GetValueOrDefault(n), out var errors);

        Assert.Null(parsed);
        var error = Assert.Single(errors);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", ClientIdentityMode.None)]
    [InlineData("proxy-protocol", ClientIdentityMode.ProxyProtocol)]
    [InlineData("http-header", ClientIdentityMode.HttpHeader)]
    public void Parse_ReadsClientIdentity_WithMtls(string value, ClientIdentityMode expected)
    {
        var env = new Dictionary<string, string>
        {
            [ProxyEnvironment.Routes] = "8443=8080",
            [ProxyEnvironment.Mtls] = "optional",
            [ProxyEnvironment.ClientCaDirectory] = "/ca",
            [ProxyEnvironment.ClientIdentity] = value,
        };

        var parsed = ProxySettings.Parse(n => env.GetValueOrDefault(n), out var errors);

        Assert.Empty(errors);
        Assert.Equal(expected, parsed!.ClientIdentityMode);
    }

    [Fact]
    public void Parse_ReportsEveryErrorAtOnce()
    {
        var env = new Dictionary<string, string>
        {
            [ProxyEnvironment.Routes] = "x",
            [ProxyEnvironment.MinTlsVersion] = "1.1",
            [ProxyEnvironment.Plaintext] = "allow",
            [ProxyEnvironment.LogLevel] = "loud",
        };

        Assert.Null(ProxySettings.Parse(n => env.GetValueOrDefault(n), out var errors));
        Assert.Equal(4, errors.Count);
    }

    [Fact]
    public void Parse_DefaultsAnAbsentProbeTimeoutToOneSecond()
    {
        var env = new Dictionary<string, string>
        {
            [ProxyEnvironment.Routes] = "8443=8080",
            [ProxyEnvironment.AppProbes] = """{"/app-health/a/livez":{"port":8080,"path":"/"}}""",
        };

        var parsed = ProxySettings.Parse(n => env.GetValueOrDefault(n), out _)!;

        Assert.Equal(1, parsed.AppProbes["/app-health/a/livez"].TimeoutSeconds);
    }

    [Fact]
    public void AppProbes_SerializeWithTheSourceGenerator()
    {
        var json = JsonSerializer.Serialize(
            new Dictionary<string, AppProbe> { ["/p"] = new() { Port = 1, Headers = [new("A", "b")] } },
            AppProbeJsonContext.Default.DictionaryStringAppProbe);

        Assert.Equal("""{"/p":{"port":1,"headers":[{"name":"A","value":"b"}],"timeoutSeconds":1}}""", json);
    }
}
