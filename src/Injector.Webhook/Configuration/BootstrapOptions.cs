using System.ComponentModel.DataAnnotations;

namespace Injector.Webhook.Configuration;

/// <summary>
/// The self-signed overlay (<c>Webhook:Bootstrap:*</c>): with no cert-manager, the webhook keeps a CA in a Secret,
/// issues its own serving certificate and patches <c>caBundle</c> into its webhook configurations, as Vault's injector does.
/// </summary>
public sealed class BootstrapOptions
{
    /// <summary>Turn the bootstrap on. Default false. Needs <c>POD_NAMESPACE</c>.</summary>
    public bool Enabled { get; set; }

    /// <summary>The MutatingWebhookConfiguration whose webhooks get the caBundle. Default <c>tls-injector</c>; empty skips it.</summary>
    public string MutatingWebhookConfiguration { get; set; } = "tls-injector";

    /// <summary>The ValidatingWebhookConfiguration whose webhooks get the caBundle. Default <c>tls-injector</c>; empty skips it.</summary>
    public string ValidatingWebhookConfiguration { get; set; } = "tls-injector";

    /// <summary>The Service in front of the webhook: the certificate is for <c>SERVICE.NAMESPACE.svc</c>. Default <c>tls-injector-webhook</c>.</summary>
    [Required]
    public string ServiceName { get; set; } = "tls-injector-webhook";

    /// <summary>The Secret (in <c>POD_NAMESPACE</c>) holding the CA every replica shares. Default <c>tls-injector-webhook-ca</c>.</summary>
    [Required]
    public string CaSecretName { get; set; } = "tls-injector-webhook-ca";

    /// <summary>The namespace of the CA Secret and the Service; bound from the <c>POD_NAMESPACE</c> environment variable.</summary>
    public string? Namespace { get; set; }

    /// <summary>Lifetime of the CA created on first start. Default 10 years.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00")]
    public TimeSpan CaLifetime { get; set; } = TimeSpan.FromDays(3650);

    /// <summary>Lifetime of the serving certificate; it is re-issued in memory when two thirds of it have passed. Default 1 year.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan LeafLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Wait between attempts while the API cannot be reached. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);
}
