namespace Injector.Core.Validation;

/// <summary>Gathers every error and warning of one validation, so the user sees them all at once.</summary>
internal sealed class ValidationCollector
{
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];
    private bool _unavailable;

    public void Error(string message) => _errors.Add(message);

    public void Warning(string message) => _warnings.Add(message);

    public void Unavailable(string message)
    {
        _unavailable = true;
        _errors.Add(message);
    }

    public ValidationResult ToResult() => new() { Errors = [.. _errors], Warnings = [.. _warnings], LookupUnavailable = _unavailable };
}
