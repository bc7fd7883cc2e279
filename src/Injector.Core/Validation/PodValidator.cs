using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Core.Workloads;

namespace Injector.Core.Validation;

/// <summary>
/// Contract section 4: checks the TLS settings of a Pod or pod template, and the Secrets they name.
/// </summary>
public sealed class PodValidator(InjectorOptions options, TimeProvider timeProvider)
{
    /// <summary>Every error and warning for <paramref name="template"/>, all at once.</summary>
    public Task<ValidationResult> ValidateAsync(PodTemplate template, NamespaceInfo ns, ISecretLookup secrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        _ = options;
        _ = timeProvider;
        throw new NotImplementedException("landing in the Core issue");
    }
}
