namespace Injector.Core.Settings;

/// <summary>One thing wrong with a pod's settings, already phrased for the user: what, where and the fix.</summary>
public sealed record SettingProblem(string Annotation, string Message);
