using Injector.Core.Configuration;
using Injector.Core.Injection;

namespace Injector.Core.Tests.Injection;

public sealed class ClusterInfoTests
{
    /// <summary>A probe's answer wins over the version either way; without one, native from 1.29 or when unknown.</summary>
    [Theory]
    [InlineData("28", null, false)]
    [InlineData("28", true, true)]
    [InlineData("29", null, true)]
    [InlineData("29", false, false)]
    [InlineData("19", null, false)]
    [InlineData(null, null, true)]
    [InlineData(null, false, false)]
    public void Auto_TakesTheProbe_ElseTheVersion(string? minor, bool? probed, bool native)
    {
        var cluster = (minor is null ? ClusterInfo.Unknown : ClusterInfo.FromVersion("1", minor)) with { NativeSidecarsProbed = probed };

        Assert.Equal(native, cluster.NativeSidecarsSupported);
        Assert.Equal(native, new PodInjector(new InjectorOptions()).UseNativeSidecar(cluster));
        Assert.True(new PodInjector(new InjectorOptions { SidecarMode = SidecarMode.Native }).UseNativeSidecar(cluster));
        Assert.False(new PodInjector(new InjectorOptions { SidecarMode = SidecarMode.Classic }).UseNativeSidecar(cluster));
    }

    [Fact]
    public void Probe_IsPartOfEquality()
    {
        // The webhook's mutation memo keys on ClusterInfo: a different probe answer must not reuse an answer.
        Assert.NotEqual(ClusterInfo.FromVersion("1", "28"), ClusterInfo.FromVersion("1", "28") with { NativeSidecarsProbed = true });
        Assert.Equal(ClusterInfo.FromVersion("1", "28+"), ClusterInfo.FromVersion("1", "28"));
    }
}
