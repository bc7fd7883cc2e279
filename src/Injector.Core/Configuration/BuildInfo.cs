using System.Reflection;

namespace Injector.Core.Configuration;

/// <summary>
/// What this build is: its version and the <c>tls-proxy</c> image built with it. MSBuild writes both into the assembly
/// from the git tag (MinVer) and <c>ImageRepository</c>/<c>ImageTag</c>, so the CLI, the webhook and <c>make images</c>
/// agree without a second copy of either.
/// </summary>
public static class BuildInfo
{
    /// <summary>The SemVer version with build metadata, e.g. <c>0.1.0+3f2c…</c> (the commit).</summary>
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? throw new InvalidOperationException("Injector.Core carries no AssemblyInformationalVersion. Hint: build it with the repository's Directory.Build.props.");

    /// <summary>The default sidecar image, <c>REPOSITORY/tls-proxy:TAG</c>, e.g. <c>tls-injector/tls-proxy:0.1.0</c>.</summary>
    public static string ProxyImage { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "ProxyImage")?.Value
        ?? throw new InvalidOperationException("Injector.Core carries no ProxyImage metadata. Hint: build it with its csproj (target ProxyImageMetadata).");
}
