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
    string? ClientCaSecretName = null)
{
    /// <summary>How messages name where the Secret name came from, e.g. <c>namespace default annotation tls-injector.io/secret="web-tls"</c>.</summary>
    public string? SecretSource { get; init; }

    /// <summary>As <see cref="SecretSource"/>, for the client CA Secret.</summary>
    public string? ClientCaSource { get; init; }
}
