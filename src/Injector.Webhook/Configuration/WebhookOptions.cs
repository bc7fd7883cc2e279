using System.ComponentModel.DataAnnotations;
using Injector.Core.Admission;

namespace Injector.Webhook.Configuration;

/// <summary>
/// The webhook server's own settings (configuration section <c>Webhook</c>; environment <c>Webhook__Key</c>;
/// command line <c>--Webhook:Key=value</c>). Validated at start: a bad value stops the process before it serves.
/// </summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhook";

    /// <summary>The HTTPS port for every endpoint. Default 8443 (the Service maps 443 to it); 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8443;

    /// <summary>
    /// The mounted Secret holding <c>tls.crt</c> and <c>tls.key</c>. Default <c>/etc/tls-injector/webhook-tls</c>.
    /// Polled every <see cref="CertificatePollInterval"/>; a renewed certificate is served without a restart.
    /// </summary>
    public string CertificateDirectory { get; set; } = "/etc/tls-injector/webhook-tls";

    /// <summary>How often the certificate files are compared with what is loaded. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan CertificatePollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Generate a CA and a serving certificate in memory at start and print the CA bundle (PEM) to stdout,
    /// for local runs (<c>--self-signed</c>). Default false. Exclusive with <see cref="BootstrapOptions.Enabled"/>.
    /// </summary>
    public bool SelfSigned { get; set; }

    /// <summary>In <see cref="SelfSigned"/> mode, also write the CA bundle to this file. Default: not written.</summary>
    public string? SelfSignedCaBundlePath { get; set; }

    /// <summary>Extra DNS names for the <see cref="SelfSigned"/> certificate (localhost, 127.0.0.1 and ::1 are always in).</summary>
    public IList<string> SelfSignedDnsNames { get; } = [];

    /// <summary>What <c>/validate</c> answers when the API cannot be reached or the namespace is unknown. Default <see cref="LookupFailurePolicy.Deny"/>.</summary>
    public LookupFailurePolicy LookupFailurePolicy { get; set; } = LookupFailurePolicy.Deny;

    /// <summary>Largest request body accepted, in bytes. Default 3 MiB (kube-apiserver's own request limit); larger bodies get 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>How long in-flight requests may run after SIGTERM. Default 20 s (under the pod's 30 s grace period).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Full relist of the Namespace and Secret caches, besides the watch. Default 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Offer HTTP/2 as well as HTTP/1.1 (ALPN). Default true; kube-apiserver uses either.</summary>
    public bool Http2 { get; set; } = true;

    /// <summary>Cache Secrets from a cluster-wide list+watch (true, default) or only GET them on demand (false; no list/watch RBAC needed).</summary>
    public bool CacheSecrets { get; set; } = true;

    /// <summary>A kubeconfig file for the API client. Default: in-cluster when in a pod, else <c>KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public string? KubeConfig { get; set; }

    /// <summary>Listen address. Default <c>*</c> (every interface, IPv4 and IPv6); tests use <c>127.0.0.1</c>.</summary>
    [Required]
    public string BindAddress { get; set; } = "*";

    /// <summary>
    /// Cache Services (list+watch, cluster-wide) so <c>/validate</c> warns when the certificate misses the DNS names
    /// of a Service that selects the pod, or when a Service targets a protected port by number. Default true;
    /// false skips both checks and needs no RBAC on services.
    /// </summary>
    public bool CheckServices { get; set; } = true;

    /// <summary>
    /// How long <c>/validate</c> waits for a live read of a namespace's Services or NetworkPolicies, made for a
    /// workload or a pod that no controller created (they are applied together, faster than the watch delivers).
    /// Past it, the cache answers. Default 1 s; 0 turns the live reads off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan LiveReadTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The in-cluster escaped-pod audit (<c>Webhook:Audit:*</c>); off by default.</summary>
    public AuditOptions Audit { get; set; } = new();

    /// <summary>The self-signed overlay's start-up (<c>Webhook:Bootstrap:*</c>).</summary>
    public BootstrapOptions Bootstrap { get; set; } = new();
}
