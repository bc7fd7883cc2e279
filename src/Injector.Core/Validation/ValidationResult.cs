namespace Injector.Core.Validation;

/// <summary>The verdict on one Pod or pod template: every error and warning found, all at once.</summary>
public sealed record ValidationResult
{
    public static readonly ValidationResult Valid = new();

    public bool Allowed => Errors.Count == 0;

    /// <summary>Each names the object, the annotation, the wrong value and the fix.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Admission warnings, e.g. a certificate that expires soon.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>True when a lookup could not be answered (API outage) and the result is incomplete.</summary>
    public bool LookupUnavailable { get; init; }
}
