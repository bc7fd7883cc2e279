using Injector.Core.Admission;

namespace Injector.Webhook.Admission;

/// <summary>
/// The one log line of an admission, with the review's fields as properties. Its category,
/// <c>Injector.Webhook.Admission.AdmissionLog</c>, is the Serilog source context that silences it.
/// </summary>
internal sealed partial class AdmissionLog(ILogger<AdmissionLog> logger)
{
    /// <summary>An answered review: the decision about <paramref name="request"/> (null when it could not be read).</summary>
    public void Answered(string path, string uid, AdmissionRequest? request, AdmissionDecision decision, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (request is null)
        {
            Unread(logger, decision.Result, path, decision.Reason, elapsed.TotalMilliseconds, StatusCodes.Status200OK, uid);
        }
        else
        {
            Decided(logger, LogLevel.Information, decision.Result, request.Operation, request.Kind?.Kind, request.Namespace, path, decision.Reason, elapsed.TotalMilliseconds,
                StatusCodes.Status200OK, uid, request.Name, request.DryRun == true);
        }
    }

    /// <summary>A body refused before it was read as a review (400, 413, 415).</summary>
    public void Refused(string path, int status, string reason, TimeSpan elapsed)
        => Unread(logger, AdmissionResults.Rejected, path, reason, elapsed.TotalMilliseconds, status, null);

    /// <summary>The API server hung up before the answer: nothing was answered, and the line says so.</summary>
    public void Abandoned(string path, string uid, AdmissionRequest? request, TimeSpan elapsed)
        => Decided(logger, LogLevel.Warning, AdmissionResults.Abandoned, request?.Operation, request?.Kind?.Kind, request?.Namespace, path,
            "the caller closed the request before it was answered", elapsed.TotalMilliseconds, null, uid, request?.Name, request?.DryRun == true);

    // ":l" renders text unquoted in the message; the properties keep their values either way. The fields after the
    // duration are for queries, not for reading, so they trail the sentence.
    [LoggerMessage(EventId = 500, Message = "{Decision:l} {Operation:l} {Kind:l} in {PodNamespace:l} on {RequestPath:l}: {Reason:l} ({Elapsed:0.000} ms) [{StatusCode} {Uid} {PodName} dry-run={DryRun}]")]
    private static partial void Decided(ILogger logger, LogLevel level, string decision, string? operation, string? kind, string? podNamespace, string requestPath, string reason,
        double elapsed, int? statusCode, string uid, string? podName, bool dryRun);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "{Decision:l} on {RequestPath:l}: {Reason:l} ({Elapsed:0.000} ms) [{StatusCode} {Uid}]")]
    private static partial void Unread(ILogger logger, string decision, string requestPath, string reason, double elapsed, int statusCode, string? uid);
}
