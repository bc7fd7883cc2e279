namespace Injector.Webhook.Cluster;

/// <summary>
/// <see cref="NativeSidecarProbe"/>'s outcome: <see cref="Supported"/> is null when the probe could not run,
/// and <see cref="Reason"/> says what it saw or why it failed.
/// </summary>
internal sealed record NativeSidecarProbeResult(bool? Supported, string Reason)
{
    public static NativeSidecarProbeResult Found(bool supported, string reason) => new(supported, reason);

    public static NativeSidecarProbeResult Failed(string reason) => new(null, reason);
}
