namespace Injector.Core.Settings;

/// <summary>The settings of a pod, or every reason they could not be made (never both).</summary>
public sealed record SettingsResolution(TlsSettings? Settings, IReadOnlyList<SettingProblem> Errors, IReadOnlyList<SettingProblem> Warnings);
