namespace Injector.Core.Settings;

/// <summary>
/// The settings of a pod, or every reason they could not be made. The Secret names that did resolve are kept
/// even when something else is wrong, so validation can still check those Secrets and report everything at once.
/// </summary>
public sealed record SettingsResolution(
    TlsSettings? Settings,
    IReadOnlyList<SettingProblem> Errors,
    IReadOnlyList<SettingProblem> Warnings,
    string? SecretName = null,
    string? ClientCaSecretName = null);
