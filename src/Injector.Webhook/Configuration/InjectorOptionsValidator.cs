using Injector.Core.Configuration;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Configuration;

/// <summary>
/// Cross-field rules of Core's <see cref="InjectorOptions"/> that data annotations cannot say: port clashes and
/// resource quantities that Kubernetes would refuse at the first injection instead of at start.
/// </summary>
internal sealed class InjectorOptionsValidator : IValidateOptions<InjectorOptions>
{
    public ValidateOptionsResult Validate(string? name, InjectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.DefaultTlsPort == options.HealthPort)
        {
            errors.Add($"Injector:DefaultTlsPort and Injector:HealthPort are both {options.HealthPort}; the sidecar cannot serve TLS and health on one port.");
        }

        var resources = options.Resources ?? new ProxyResourceOptions();
        Quantity("Injector:Resources:CpuRequest", resources.CpuRequest, errors);
        Quantity("Injector:Resources:MemoryRequest", resources.MemoryRequest, errors);
        Quantity("Injector:Resources:CpuLimit", resources.CpuLimit, errors);
        Quantity("Injector:Resources:MemoryLimit", resources.MemoryLimit, errors);
        if (string.IsNullOrWhiteSpace(options.ProxyImage))
        {
            errors.Add($"Injector:ProxyImage is empty. Hint: remove the setting to use this build's {BuildInfo.ProxyImage}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Quantity(string key, string? value, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        try
        {
            _ = new ResourceQuantity(value).ToDecimal();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            errors.Add($"{key} '{value}' is not a Kubernetes quantity (e.g. 10m, 64Mi).");
        }
    }
}
