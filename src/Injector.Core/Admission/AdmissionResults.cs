namespace Injector.Core.Admission;

/// <summary>The <c>result</c> label values and the <c>Decision</c> log property, named once.</summary>
public static class AdmissionResults
{
    /// <summary>The sidecar was added (a patch was returned).</summary>
    public const string Injected = "injected";

    /// <summary>A pod not opted in, or excluded: admitted unchanged.</summary>
    public const string Skipped = "skipped";

    /// <summary>A pod that already carries the sidecar: admitted unchanged.</summary>
    public const string AlreadyInjected = "already_injected";

    /// <summary>Validation passed.</summary>
    public const string Allowed = "allowed";

    /// <summary>Refused by policy (bad settings, missing Secret, or a failed lookup under LookupFailurePolicy=Deny).</summary>
    public const string Denied = "denied";

    /// <summary>Not the webhook's business (other kinds, DELETE/CONNECT, subresources): admitted unchanged.</summary>
    public const string Ignored = "ignored";

    /// <summary>An AdmissionReview that could not be decoded or lacks required fields: refused.</summary>
    public const string Invalid = "invalid";

    /// <summary>Refused before decoding: empty body (400), too large (413), wrong content type (415).</summary>
    public const string Rejected = "rejected";

    /// <summary>The webhook failed while deciding: refused (fail closed) and logged.</summary>
    public const string Error = "error";

    /// <summary>Log only: the caller hung up before it was answered, so there is no result to count.</summary>
    public const string Abandoned = "abandoned";
}
