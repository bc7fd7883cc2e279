using System.ComponentModel.DataAnnotations;

namespace Injector.Core.Configuration;

/// <summary>
/// Cluster-wide injector settings (configuration section <c>Injector</c>; the CLI reads the same shape from <c>--config</c>).
/// Setters, not <c>init</c>: the webhook binds it with the configuration-binding source generator (NativeAOT has no
/// reflection binder), which skips init-only properties without a diagnostic.
/// </summary>
public sealed record InjectorOptions
{
    public const string SectionName = "Injector";

    /// <summary>Image of the <c>tls-proxy</c> sidecar. Default <see cref="BuildInfo.ProxyImage"/>, the proxy of this build.</summary>
    [Required]
    public string ProxyImage { get; set; } = BuildInfo.ProxyImage;

    /// <summary><c>Always</c>, <c>IfNotPresent</c> or <c>Never</c>. Default <c>IfNotPresent</c>.</summary>
    [RegularExpression("^(Always|IfNotPresent|Never)$")]
    public string ProxyImagePullPolicy { get; set; } = "IfNotPresent";

    /// <summary>Native or classic sidecar; <c>Auto</c> decides from the API server's version.</summary>
    public SidecarMode SidecarMode { get; set; } = SidecarMode.Auto;

    /// <summary>TLS port used when a <c>ports</c> entry (or the default) gives only the app port. Default 8443.</summary>
    [Range(1, 65535)]
    public int DefaultTlsPort { get; set; } = 8443;

    /// <summary>The proxy's plain-HTTP health and probe port. Default 15021.</summary>
    [Range(1, 65535)]
    public int HealthPort { get; set; } = 15021;

    /// <summary>Resources of the sidecar. Defaults: requests 10m CPU / 16Mi, limits 500m CPU / 64Mi.</summary>
    public ProxyResourceOptions Resources { get; set; } = new();

    /// <summary>UID and GID the sidecar runs as (non-root). Default 65532, distroless's <c>nonroot</c>.</summary>
    [Range(1, int.MaxValue)]
    public long ProxyUid { get; set; } = 65532;

    /// <summary>Namespaces never injected, in addition to kube-system, kube-public, kube-node-lease and <see cref="InjectorNamespace"/>.</summary>
    public IReadOnlyList<string> ExcludedNamespaces { get; set; } = [];

    /// <summary>The injector's own namespace, never injected.</summary>
    public string InjectorNamespace { get; set; } = "tls-injector";

    /// <summary>Certificates expiring within this many days get an admission warning. Default 7.</summary>
    [Range(0, 3650)]
    public int ExpiryWarningDays { get; set; } = 7;

    /// <summary>When true, certificate warnings (expiring soon, SANs, chain) become rejections. Default false.</summary>
    public bool Strict { get; set; }

    /// <summary>Log level passed to the sidecar. Default <c>Information</c>.</summary>
    public string ProxyLogLevel { get; set; } = "Information";

    /// <summary>Serve Prometheus metrics from the sidecar's health port. Default false.</summary>
    public bool ProxyMetrics { get; set; }

    /// <summary>
    /// What admission says when an injected pod is selected by no ingress NetworkPolicy, so its app port is reachable
    /// in plaintext on the pod IP: <c>Off</c>, <c>Warn</c> (default) or <c>Reject</c>.
    /// </summary>
    public NetworkPolicyCheck NetworkPolicyCheck { get; set; } = NetworkPolicyCheck.Warn;
}

/// <summary>How strongly admission insists on a NetworkPolicy in front of injected pods.</summary>
public enum NetworkPolicyCheck
{
    Off,
    Warn,
    Reject,
}

/// <summary>Kubernetes quantities for the sidecar's resources.</summary>
public sealed record ProxyResourceOptions
{
    public string CpuRequest { get; set; } = "10m";

    public string MemoryRequest { get; set; } = "16Mi";

    public string CpuLimit { get; set; } = "500m";

    public string MemoryLimit { get; set; } = "64Mi";
}
