using System.Text.Json.Serialization;

namespace Injector.Cli.Doctor;

/// <summary>One check's result: <see cref="Fix"/> says what to do, and is null when the check passed.</summary>
internal sealed record DoctorCheck(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] CheckStatus Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("fix")] string? Fix = null)
{
    public static DoctorCheck Pass(string name, string message) => new(name, CheckStatus.Pass, message);

    public static DoctorCheck Warn(string name, string message, string fix) => new(name, CheckStatus.Warn, message, fix);

    public static DoctorCheck Fail(string name, string message, string fix) => new(name, CheckStatus.Fail, message, fix);
}
