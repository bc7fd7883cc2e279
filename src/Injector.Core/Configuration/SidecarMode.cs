namespace Injector.Core.Configuration;

/// <summary>How the <c>tls-proxy</c> sidecar is added to a pod.</summary>
public enum SidecarMode
{
    /// <summary>Native when the API server runs native sidecars (the webhook probes it), else by version: 1.29 or newer.</summary>
    Auto,

    /// <summary>An init container with <c>restartPolicy: Always</c>: starts before the app, stops after it, never blocks a Job.</summary>
    Native,

    /// <summary>A regular container placed first, with a postStart hook that waits for the proxy to be ready.</summary>
    Classic,
}
