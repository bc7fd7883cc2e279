using Injector.Core.Patching;

namespace Injector.Core.Admission;

/// <summary>
/// What the webhook decided about one request, before it is put on the wire: the answer, plus the
/// <see cref="Result"/> and <see cref="Reason"/> that go into the request log line and the metrics.
/// </summary>
public sealed record AdmissionDecision
{
    public required bool Allowed { get; init; }

    /// <summary>One of <see cref="AdmissionResults"/>.</summary>
    public required string Result { get; init; }

    /// <summary>Why, as a short phrase for the log.</summary>
    public required string Reason { get; init; }

    /// <summary>What kubectl shows when refused.</summary>
    public string? Message { get; init; }

    /// <summary>The status code of a refusal: 403 policy, 400 malformed, 500 our fault.</summary>
    public int Code { get; init; } = 403;

    /// <summary>RFC 6902 operations; null or empty when nothing changes.</summary>
    public JsonPatch? Patch { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static AdmissionDecision Allow(string result, string reason, IReadOnlyList<string>? warnings = null)
        => new() { Allowed = true, Result = result, Reason = reason, Warnings = warnings ?? [] };

    public static AdmissionDecision Deny(string result, string reason, string message, int code = 403, IReadOnlyList<string>? warnings = null)
        => new() { Allowed = false, Result = result, Reason = reason, Message = message, Code = code, Warnings = warnings ?? [] };

    /// <summary>A review we cannot act on: refused with 400 so the caller sees it is malformed.</summary>
    public static AdmissionDecision Invalid(string message)
        => Deny(AdmissionResults.Invalid, message, message, 400);
}
