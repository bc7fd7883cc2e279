using Injector.Core.Patching;
using k8s.Models;

namespace Injector.Core.Injection;

/// <summary>
/// The outcome of injecting one pod. A value, never an exception: the webhook maps it to an AdmissionResponse,
/// the CLI to YAML and an exit code.
/// </summary>
public sealed record InjectionResult
{
    public required InjectionDecision Decision { get; init; }

    /// <summary>Why, in a phrase fit for a log line (e.g. "namespace is disabled").</summary>
    public required string Reason { get; init; }

    /// <summary>The pod as it should be admitted: injected, or the input unchanged.</summary>
    public required V1Pod Pod { get; init; }

    /// <summary>
    /// What the injection wrote into the <c>tls-injector.io/status</c> annotation; set when <see cref="Decision"/> is
    /// <see cref="InjectionDecision.Injected"/>, so readers need not parse the annotation back.
    /// </summary>
    public InjectionStatus? Status { get; init; }

    /// <summary>RFC 6902 operations turning the input pod into <see cref="Pod"/>; empty when nothing changes.</summary>
    public JsonPatch Patch { get; init; } = JsonPatch.Empty;

    /// <summary>Rejection messages when <see cref="Decision"/> is <see cref="InjectionDecision.Denied"/>.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Admission warnings (shown by kubectl) that do not block the pod.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
