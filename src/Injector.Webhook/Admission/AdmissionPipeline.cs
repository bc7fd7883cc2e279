using System.Diagnostics;
using Injector.Core.Admission;
using Injector.Core.Workloads;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Admission;

/// <summary>
/// The part of <c>/mutate</c> and <c>/validate</c> that is the same: read, decide, answer in the request's version
/// with its uid, and put one line in the log (<see cref="AdmissionLog"/>) and one sample in the metrics.
/// A failure while deciding refuses the object (fail closed, like the webhooks' failurePolicy) and never escapes.
/// </summary>
internal sealed partial class AdmissionPipeline(
    IOptions<WebhookOptions> options,
    AdmissionLog log,
    WebhookMetrics metrics,
    ILogger<AdmissionPipeline> logger)
{
    public async Task<Results<JsonHttpResult<AdmissionReview>, ProblemHttpResult>> RunAsync(
        HttpContext context,
        string endpoint,
        Func<AdmissionRequest, CancellationToken, Task<AdmissionDecision>> decide)
    {
        var started = Stopwatch.GetTimestamp();
        var path = context.Request.Path.Value ?? string.Empty;
        var cancellationToken = context.RequestAborted;
        AdmissionInput input;
        try
        {
            input = await AdmissionReader.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The connection is gone (Kestrel reports it either way): nobody to answer, but the line says so.
            log.Abandoned(path, string.Empty, null, Stopwatch.GetElapsedTime(started));
            throw;
        }

        if (input.TransportStatus is { } status)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.RecordError(endpoint, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            metrics.RecordRequest(endpoint, AdmissionResults.Rejected, "none", elapsed);
            log.Refused(path, status, input.Error ?? string.Empty, elapsed);
            return TypedResults.Problem(input.Error, statusCode: status, title: "Not an admission request");
        }

        var request = input.Request;
        var kind = request?.Kind?.Kind;
        AdmissionDecision decision;
        if (request is null)
        {
            metrics.RecordError(endpoint, "undecodable");
            decision = AdmissionDecision.Invalid(input.Error ?? "The AdmissionReview could not be decoded.");
        }
        else
        {
            try
            {
                decision = await decide(request, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                log.Abandoned(path, input.Uid, request, Stopwatch.GetElapsedTime(started));
                throw;
            }
            catch (Exception ex)
            {
                metrics.RecordError(endpoint, "internal");
                Log.DecideFailed(logger, endpoint, input.Uid, ex);
                decision = AdmissionDecision.Deny(AdmissionResults.Error, "internal error", $"tls-injector could not process this request: {ex.Message}", 500);
            }
        }

        var decided = Stopwatch.GetElapsedTime(started);
        metrics.RecordRequest(endpoint, decision.Result, KindLabel(kind), decided);
        log.Answered(path, input.Uid, request, decision, decided);
        return TypedResults.Json(ToReview(input, decision), AdmissionJsonContext.Default.AdmissionReview);
    }

    private static AdmissionReview ToReview(AdmissionInput input, AdmissionDecision decision)
    {
        var patch = decision.Patch is { Count: > 0 } ops ? ops.Utf8 : (ReadOnlyMemory<byte>?)null;
        return new AdmissionReview
        {
            ApiVersion = input.ApiVersion,
            Kind = AdmissionNames.Kind,
            Response = new AdmissionResponse
            {
                Uid = input.Uid,
                Allowed = decision.Allowed,
                Status = decision.Allowed ? null : new AdmissionStatus
                {
                    Message = decision.Message ?? decision.Reason,
                    Code = decision.Code,
                    Reason = decision.Code switch { 400 => "BadRequest", 500 => "InternalError", _ => "Forbidden" },
                },
                Patch = decision.Allowed ? patch : null,
                PatchType = decision.Allowed && patch is not null ? AdmissionNames.JsonPatch : null,
                Warnings = decision.Warnings.Count > 0 ? decision.Warnings : null,
            },
        };
    }

    /// <summary>Bounded label values: the handled kinds, else "other" (a kind is caller-controlled text).</summary>
    private static string KindLabel(string? kind) => kind is not null && WorkloadKinds.All.Contains(kind) ? kind : "other";

    private static partial class Log
    {
        [LoggerMessage(400, LogLevel.Error, "Deciding {Endpoint} request {Uid} failed; refused")]
        public static partial void DecideFailed(ILogger logger, string endpoint, string uid, Exception exception);
    }
}
