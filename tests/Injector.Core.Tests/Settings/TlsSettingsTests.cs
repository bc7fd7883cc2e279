using System.Security.Cryptography;
using System.Text;
using Injector.Core.Settings;

namespace Injector.Core.Tests.Settings;

public sealed class TlsSettingsTests
{
    /// <summary>The digest in the status annotation of running pods: remembering digests must not change one.</summary>
    [Fact]
    public void Hash_IsTheSha256OfTheSettings_BeforeAndAfterItIsRemembered_AndAfterTheMemoryIsFull()
    {
        var settings = Settings("web-tls", 8080);
        var expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            "secret=web-tls;ports=app/8080/http/8443;mtls=disabled;ca=;allowed=;min=1.2;plaintext=reject"))[..8]);

        Assert.Equal(expected, settings.Hash());
        Assert.Equal(expected, settings.Hash());
        for (var port = 1; port <= 600; port++)
        {
            Assert.NotEqual(expected, Settings("web-tls", port).Hash());
        }

        Assert.Equal(expected, Settings("web-tls", 8080).Hash());
        Assert.NotEqual(expected, Settings("other-tls", 8080).Hash());
    }

    private static TlsSettings Settings(string secret, int appPort) => new()
    {
        SecretName = secret,
        Ports = [new PortMapping("app", appPort, appPort == 8080 ? "http" : null, 8443)],
    };
}
