using Microsoft.Extensions.Options;

namespace Injector.Webhook.Configuration;

/// <summary>The cross-field rules of <see cref="WebhookOptions"/>, all reported at once.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.SelfSigned && options.Bootstrap.Enabled)
        {
            errors.Add("Webhook:SelfSigned and Webhook:Bootstrap:Enabled are both true; choose one (SelfSigned for local runs, Bootstrap for the self-signed overlay).");
        }

        if (!options.SelfSigned && !options.Bootstrap.Enabled && string.IsNullOrWhiteSpace(options.CertificateDirectory))
        {
            errors.Add("Webhook:CertificateDirectory is empty. Hint: mount the serving Secret (tls.crt, tls.key) and name its directory, or set Webhook:SelfSigned=true for a local run.");
        }

        if (options.Bootstrap.Enabled)
        {
            if (string.IsNullOrWhiteSpace(options.Bootstrap.Namespace))
            {
                errors.Add("Webhook:Bootstrap:Enabled needs the pod's namespace. Hint: set POD_NAMESPACE from the downward API (fieldRef metadata.namespace).");
            }

            if (string.IsNullOrWhiteSpace(options.Bootstrap.MutatingWebhookConfiguration) && string.IsNullOrWhiteSpace(options.Bootstrap.ValidatingWebhookConfiguration))
            {
                errors.Add("Webhook:Bootstrap names neither a MutatingWebhookConfiguration nor a ValidatingWebhookConfiguration to patch.");
            }

            if (options.Bootstrap.LeafLifetime >= options.Bootstrap.CaLifetime)
            {
                errors.Add($"Webhook:Bootstrap:LeafLifetime ({options.Bootstrap.LeafLifetime}) must be shorter than CaLifetime ({options.Bootstrap.CaLifetime}).");
            }
        }

        if (options.ResyncInterval <= TimeSpan.Zero)
        {
            errors.Add("Webhook:ResyncInterval must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
