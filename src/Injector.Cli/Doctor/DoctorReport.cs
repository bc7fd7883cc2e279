using System.Text.Json.Serialization;

namespace Injector.Cli.Doctor;

/// <summary>The <c>doctor -o json|yaml</c> document: the namespace looked at and every check, in order.</summary>
internal sealed record DoctorReport(
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("checks")] IReadOnlyList<DoctorCheck> Checks)
{
    /// <summary>True when no check failed (warnings do not fail, as in <c>linkerd check</c>).</summary>
    [JsonPropertyName("healthy")]
    public bool Healthy => Checks.All(c => c.Status != CheckStatus.Fail);
}
