using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Injector.Webhook.Admission;

/// <summary>
/// Reads and checks an AdmissionReview body. Transport faults (wrong content type, empty, too large) become
/// 4xx; a body that is JSON but not a usable review becomes a refusal in a well-formed review.
/// </summary>
internal static class AdmissionReader
{
    public static async Task<AdmissionInput> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            return AdmissionInput.Transport(StatusCodes.Status415UnsupportedMediaType, $"Content-Type must be application/json, not '{request.ContentType}'.");
        }

        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(request, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }
        catch (BadHttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A body that ends before its Content-Length, or broken chunking: Kestrel's own status, with its reason.
            return AdmissionInput.Transport(ex.StatusCode, $"The request body could not be read: {ex.Message}");
        }

        if (body.Length > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        if (body.Length == 0)
        {
            return AdmissionInput.Transport(StatusCodes.Status400BadRequest, "The request body is empty; an AdmissionReview was expected.");
        }

        AdmissionReview? review;
        try
        {
            review = JsonSerializer.Deserialize(body, AdmissionJsonContext.Default.AdmissionReview);
        }
        catch (JsonException ex)
        {
            return AdmissionInput.Undecodable(AdmissionNames.V1, null, $"The body is not a valid AdmissionReview: {ex.Message}");
        }

        return Check(review);
    }

    private static AdmissionInput Check(AdmissionReview? review)
    {
        if (review is null)
        {
            return AdmissionInput.Undecodable(AdmissionNames.V1, null, "The body is JSON null; an AdmissionReview was expected.");
        }

        // Answer in the version asked, when it is one we speak; otherwise in v1.
        var version = review.ApiVersion is AdmissionNames.V1 or AdmissionNames.V1Beta1 ? review.ApiVersion : AdmissionNames.V1;
        var uid = review.Request?.Uid;
        if (review.Kind != AdmissionNames.Kind)
        {
            return AdmissionInput.Undecodable(version, uid, $"kind is '{review.Kind}', expected '{AdmissionNames.Kind}'.");
        }

        if (review.ApiVersion is not (AdmissionNames.V1 or AdmissionNames.V1Beta1))
        {
            return AdmissionInput.Undecodable(version, uid, $"apiVersion '{review.ApiVersion}' is not supported; send {AdmissionNames.V1} or {AdmissionNames.V1Beta1}.");
        }

        if (review.Request is null)
        {
            return AdmissionInput.Undecodable(version, null, "The AdmissionReview has no request.");
        }

        if (string.IsNullOrEmpty(uid))
        {
            return AdmissionInput.Undecodable(version, null, "request.uid is missing.");
        }

        return AdmissionInput.Decoded(version, review.Request);
    }

    private static AdmissionInput TooLarge(long maxBytes)
        => AdmissionInput.Transport(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {maxBytes} bytes.");

    /// <summary>The whole body; Kestrel stops it at the limit set above with a 413.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return body.ToArray();
    }

    private static bool IsJson(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var media)
            && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || media.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true);
}
