using System.Text.RegularExpressions;
using k8s.Models;
using Xunit;

namespace Injector.Testing;

/// <summary>
/// The API server's own rules for a pod spec that injection could break: name lengths and formats, unique
/// container, port and volume names, mounts that point at real volumes; and Pod Security <c>restricted</c> for
/// the sidecar.
/// </summary>
public static partial class PodSpecInvariants
{
    public static void AssertValid(V1PodSpec spec, string context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var containers = spec.Containers.Concat(spec.InitContainers ?? []).ToList();

        AssertUnique(containers.Select(c => c.Name), $"{context}: container names");
        foreach (var c in containers)
        {
            Assert.True(c.Name.Length <= 63 && Dns1123Label().IsMatch(c.Name), $"{context}: container name '{c.Name}' is not a DNS-1123 label");
        }

        var volumes = (spec.Volumes ?? []).Select(v => v.Name).ToList();
        AssertUnique(volumes, $"{context}: volume names");
        foreach (var v in volumes)
        {
            Assert.True(v.Length <= 63 && Dns1123Label().IsMatch(v), $"{context}: volume name '{v}' is not a DNS-1123 label");
        }

        var ports = containers.SelectMany(c => c.Ports ?? []).ToList();
        AssertUnique(ports.Select(p => $"{p.ContainerPort}/{p.Protocol ?? "TCP"}"), $"{context}: container ports");
        AssertUnique(ports.Select(p => p.Name).OfType<string>(), $"{context}: port names");
        foreach (var name in ports.Select(p => p.Name).OfType<string>())
        {
            Assert.True(name.Length <= 15 && PortName().IsMatch(name) && name.Any(char.IsAsciiLetter) && !name.Contains("--", StringComparison.Ordinal),
                $"{context}: port name '{name}' is not an IANA_SVC_NAME (<= 15 chars, a-z0-9 and '-', one letter)");
        }

        foreach (var c in containers)
        {
            foreach (var m in c.VolumeMounts ?? [])
            {
                Assert.True(volumes.Contains(m.Name), $"{context}: container '{c.Name}' mounts missing volume '{m.Name}'");
            }
        }
    }

    /// <summary>Pod Security Standards, restricted profile, for one container.</summary>
    public static void AssertRestricted(V1Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var sc = container.SecurityContext;
        Assert.NotNull(sc);
        Assert.True(sc.RunAsNonRoot);
        Assert.False(sc.AllowPrivilegeEscalation);
        Assert.NotEqual(true, sc.Privileged);
        Assert.True(sc.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], sc.Capabilities?.Drop);
        Assert.True(sc.Capabilities?.Add is null || sc.Capabilities.Add.All(a => a == "NET_BIND_SERVICE"));
        Assert.Equal("RuntimeDefault", sc.SeccompProfile?.Type);
        Assert.NotNull(container.Resources?.Requests);
        Assert.NotNull(container.Resources?.Limits);
    }

    private static void AssertUnique(IEnumerable<string> values, string what)
    {
        var duplicates = values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{what} are not unique: {string.Join(", ", duplicates)}");
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex PortName();
}
