using Microsoft.Extensions.Options;

namespace Injector.Webhook.Configuration;

/// <summary>The rules of <see cref="AuditOptions"/> (checked only when the loop is on), all reported at once.</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var audit = options.Audit;
        if (!audit.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(audit.Namespace))
        {
            errors.Add("Webhook:Audit:Enabled needs the pod's namespace for its Lease. Hint: set POD_NAMESPACE from the downward API (fieldRef metadata.namespace).");
        }

        if (string.IsNullOrWhiteSpace(audit.LeaseName))
        {
            errors.Add("Webhook:Audit:LeaseName is empty. Hint: leave it unset for the default tls-injector-audit.");
        }

        if (audit.Interval < TimeSpan.FromSeconds(1) || audit.Interval > TimeSpan.FromDays(1))
        {
            errors.Add($"Webhook:Audit:Interval ({audit.Interval}) must be between 00:00:01 and 1.00:00:00.");
        }

        if (audit.RetryPeriod <= TimeSpan.Zero || audit.RetryPeriod >= audit.RenewDeadline || audit.RenewDeadline >= audit.LeaseDuration)
        {
            errors.Add($"Webhook:Audit needs 0 < RetryPeriod ({audit.RetryPeriod}) < RenewDeadline ({audit.RenewDeadline}) < LeaseDuration ({audit.LeaseDuration}), or two replicas may both lead.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
