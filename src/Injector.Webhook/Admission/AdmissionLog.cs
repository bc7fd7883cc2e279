using Serilog.Events;
using Serilog.Parsing;

namespace Injector.Webhook.Admission;

/// <summary>
/// Writes the one log line of an admission. The pipeline holds every field when it answers, so it writes the event
/// itself: properties are made straight from the values, the template is parsed once, and nothing is collected
/// per request. Serilog's request-logging middleware did the same through an ambient collector, a bind of each value
/// and a property list rebuilt per event: 15 µs of an admission's ~110 µs of CPU under NativeAOT
/// (docs/benchmarks/webhook.md). Levels and overrides apply as to any Serilog event; the source context is this
/// class's name (<c>Injector.Webhook.Admission.AdmissionLog</c>), which is what silences the line.
/// </summary>
internal sealed class AdmissionLog(Serilog.ILogger logger)
{
    // ":l" renders text unquoted in the message; the properties keep their values either way.

    /// <summary>A request that was read: what was decided about which object.</summary>
    private static readonly MessageTemplate Decided = new MessageTemplateParser().Parse(
        "{Decision:l} {Operation:l} {Kind:l} in {PodNamespace:l} on {RequestPath:l}: {Reason:l} ({Elapsed:0.000} ms)");

    /// <summary>A body that was not a readable review: there is no object to name.</summary>
    private static readonly MessageTemplate Unread = new MessageTemplateParser().Parse(
        "{Decision:l} on {RequestPath:l}: {Reason:l} ({Elapsed:0.000} ms)");

    private static readonly ScalarValue Null = new(null);
    private static readonly ScalarValue True = new(true);
    private static readonly ScalarValue False = new(false);
    private static readonly ScalarValue Ok = new(StatusCodes.Status200OK);

    private readonly Serilog.ILogger _logger = logger.ForContext<AdmissionLog>();

    /// <summary>An answered review: the decision about <paramref name="request"/> (null when it could not be read).</summary>
    public void Answered(string path, string uid, AdmissionRequest? request, AdmissionDecision decision, TimeSpan elapsed)
        => Write(LogEventLevel.Information, path, Ok, uid, request, decision.Result, decision.Reason, elapsed);

    /// <summary>A body refused before it was read as a review (400, 413, 415).</summary>
    public void Refused(string path, int status, string reason, TimeSpan elapsed)
        => Write(LogEventLevel.Information, path, new ScalarValue(status), null, null, Metrics.AdmissionResults.Rejected, reason, elapsed);

    /// <summary>The API server hung up before the answer: nothing was answered, and the line says so.</summary>
    public void Abandoned(string path, string uid, AdmissionRequest? request, TimeSpan elapsed)
        => Write(LogEventLevel.Warning, path, Null, uid, request, Metrics.AdmissionResults.Abandoned, "the caller closed the request before it was answered", elapsed);

    private void Write(LogEventLevel level, string path, ScalarValue status, string? uid, AdmissionRequest? request, string decision, string reason, TimeSpan elapsed)
    {
        if (!_logger.IsEnabled(level))
        {
            return;
        }

        // The properties and names of the request log line before (docs/configuration.md); ForContext adds SourceContext.
        _logger.Write(new LogEvent(DateTimeOffset.UtcNow, level, null, request is null ? Unread : Decided,
        [
            new LogEventProperty("RequestPath", new ScalarValue(path)),
            new LogEventProperty("StatusCode", status),
            new LogEventProperty("Elapsed", new ScalarValue(elapsed.TotalMilliseconds)),
            new LogEventProperty("Uid", uid is null ? Null : new ScalarValue(uid)),
            new LogEventProperty("Kind", Scalar(request?.Kind?.Kind)),
            new LogEventProperty("PodNamespace", Scalar(request?.Namespace)),
            new LogEventProperty("PodName", Scalar(request?.Name)),
            new LogEventProperty("Operation", Scalar(request?.Operation)),
            new LogEventProperty("DryRun", request?.DryRun == true ? True : False),
            new LogEventProperty("Decision", new ScalarValue(decision)),
            new LogEventProperty("Reason", new ScalarValue(reason)),
        ]));
    }

    private static ScalarValue Scalar(string? text) => text is null ? Null : new ScalarValue(text);
}
