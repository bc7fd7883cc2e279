using System.Text.RegularExpressions;
using Injector.Core.Configuration;

namespace Injector.Core.Tests.Configuration;

public sealed partial class BuildInfoTests
{
    [Fact]
    public void Version_IsTheGitVersion_WithTheCommit()
    {
        // MinVer's version (0.1.0-alpha.0.N before the first tag), then the SDK's "+<commit>".
        Assert.Matches(SemVer(), BuildInfo.Version.Split('+')[0]);
        Assert.NotEqual("1.0.0", BuildInfo.Version.Split('+')[0]);
    }

    [Fact]
    public void ProxyImage_IsTheProxyOfThisVersion()
    {
        var version = BuildInfo.Version.Split('+')[0];

        Assert.Equal($"tls-injector/tls-proxy:{version}", BuildInfo.ProxyImage);
        Assert.Equal(BuildInfo.ProxyImage, new InjectorOptions().ProxyImage);
    }

    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
