using System.Diagnostics;
using Injector.Core.Workloads;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using IDiagnosticContext = Serilog.IDiagnosticContext;

namespace Injector.Webhook.Admission;

/// <summary>
/// The part of <c>/mutate</c> and <c>/validate</c> that is the same: read, decide, answer in the request's version
/// with its uid, and put one line in the request log (via the diagnostic context) and one sample in the metrics.
/// A failure while deciding refuses the object (fail closed, like the webhooks' failurePolicy) and never escapes.
/// </summary>
internal sealed partial class AdmissionPipeline(
    IOptions<WebhookOptions> options,
    IDiagnosticContext diagnostics,
    WebhookMetrics metrics,
    ILogger<AdmissionPipeline> logger)
{
    public async Task<Results<JsonHttpResult<AdmissionReview>, ProblemHttpResult>> RunAsync(
        HttpContext context,
        string endpoint,
        Func<AdmissionRequest, CancellationToken, Task<AdmissionDecision>> decide)
    {
        var started = Stopwatch.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        var input = await AdmissionReader.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, cancellationToken);
        if (input.TransportStatus is { } status)
        {
            diagnostics.Set("Decision", AdmissionResults.Rejected);
            diagnostics.Set("Reason", input.Error);
            metrics.RecordError(endpoint, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            metrics.RecordRequest(endpoint, AdmissionResults.Rejected, "none", Stopwatch.GetElapsedTime(started));
            return TypedResults.Problem(input.Error, statusCode: status, title: "Not an admission request");
        }

        var request = input.Request;
        var kind = request?.Kind?.Kind;
        diagnostics.Set("Uid", input.Uid);
        diagnostics.Set("Kind", kind);
        diagnostics.Set("PodNamespace", request?.Namespace);
        diagnostics.Set("PodName", request?.Name);
        diagnostics.Set("Operation", request?.Operation);
        diagnostics.Set("DryRun", request?.DryRun == true);

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
                throw;
            }
            catch (Exception ex)
            {
                metrics.RecordError(endpoint, "internal");
                Log.DecideFailed(logger, endpoint, input.Uid, ex);
                decision = AdmissionDecision.Deny(AdmissionResults.Error, "internal error", $"tls-injector could not process this request: {ex.Message}", 500);
            }
        }

        diagnostics.Set("Decision", decision.Result);
        diagnostics.Set("Reason", decision.Reason);
        metrics.RecordRequest(endpoint, decision.Result, KindLabel(kind), Stopwatch.GetElapsedTime(started));
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
