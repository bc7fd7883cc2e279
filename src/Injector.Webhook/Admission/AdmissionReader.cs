using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Injector.Webhook.Admission;

/// <summary>
/// Reads and checks an AdmissionReview body. Transport faults (wrong content type, empty, too large) become
/// 4xx; a body that is JSON but not a usable review becomes a refusal in a well-formed review (STYLE.md §5).
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

        byte[]? rented = null;
        try
        {
            int length;
            try
            {
                (rented, length) = await ReadBodyAsync(request, maxBytes, cancellationToken);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge(maxBytes);
            }

            if (length < 0)
            {
                return TooLarge(maxBytes);
            }

            if (length == 0)
            {
                return AdmissionInput.Transport(StatusCodes.Status400BadRequest, "The request body is empty; an AdmissionReview was expected.");
            }

            AdmissionReview? review;
            try
            {
                review = JsonSerializer.Deserialize(rented.AsSpan(0, length), AdmissionJsonContext.Default.AdmissionReview);
            }
            catch (JsonException ex)
            {
                return AdmissionInput.Undecodable(AdmissionNames.V1, null, $"The body is not a valid AdmissionReview: {ex.Message}");
            }

            return Check(review);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
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

    /// <summary>The body in a pooled buffer; length -1 when it is larger than <paramref name="maxBytes"/>.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 16 * 1024, maxBytes) + 1);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes)
                {
                    return (buffer, -1);
                }

                var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return (buffer, length > maxBytes ? -1 : length);
            }

            length += read;
        }
    }

    private static bool IsJson(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var media)
            && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || media.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true);
}
