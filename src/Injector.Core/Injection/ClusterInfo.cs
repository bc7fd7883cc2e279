namespace Injector.Core.Injection;

/// <summary>
/// Facts about the cluster that change injection. <paramref name="ServerVersion"/> is null when unknown
/// (offline CLI without <c>--kube-version</c>); <c>Auto</c> sidecar mode then picks native unless a probe said otherwise.
/// </summary>
public sealed record ClusterInfo(Version? ServerVersion)
{
    /// <summary>The first version where native sidecars (SidecarContainers) are on by default.</summary>
    public static readonly Version NativeSidecarVersion = new(1, 29);

    public static readonly ClusterInfo Unknown = new((Version?)null);

    /// <summary>
    /// Whether the API server was seen to keep an init container's <c>restartPolicy: Always</c>; null when nobody
    /// asked it (the CLI, or the webhook's probe could not run), and the version decides.
    /// </summary>
    public bool? NativeSidecarsProbed { get; init; }

    /// <summary>
    /// What <c>Auto</c> sidecar mode picks: the probe's answer when there is one, else native from
    /// <see cref="NativeSidecarVersion"/> on, or when the version is unknown.
    /// </summary>
    public bool NativeSidecarsSupported => NativeSidecarsProbed ?? (ServerVersion is null || ServerVersion >= NativeSidecarVersion);

    /// <summary>Parses the <c>major</c>/<c>minor</c> fields of GET /version (minor may carry a <c>+</c>, as on GKE/EKS).</summary>
    public static ClusterInfo FromVersion(string? major, string? minor)
    {
        static int? Digits(string? s)
        {
            var digits = new string((s ?? string.Empty).TakeWhile(char.IsAsciiDigit).ToArray());
            return int.TryParse(digits, out var n) ? n : null;
        }

        return Digits(major) is { } ma && Digits(minor) is { } mi ? new ClusterInfo(new Version(ma, mi)) : Unknown;
    }
}
