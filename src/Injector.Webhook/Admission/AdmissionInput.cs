using Injector.Core.Admission;

namespace Injector.Webhook.Admission;

/// <summary>The outcome of reading a request body: a transport fault, an undecodable review, or a request to decide on.</summary>
internal sealed record AdmissionInput
{
    /// <summary>Set for a transport fault (400, 413, 415): answered without a review.</summary>
    public int? TransportStatus { get; init; }

    /// <summary>The version to answer in: the request's when it is v1 or v1beta1, else v1.</summary>
    public string ApiVersion { get; init; } = AdmissionNames.V1;

    /// <summary>The request's uid, echoed; empty when there was none.</summary>
    public string Uid { get; init; } = string.Empty;

    /// <summary>Set when the request can be decided on.</summary>
    public AdmissionRequest? Request { get; init; }

    /// <summary>Why the body cannot be acted on (transport fault or undecodable review).</summary>
    public string? Error { get; init; }

    public static AdmissionInput Transport(int status, string message) => new() { TransportStatus = status, Error = message };

    public static AdmissionInput Undecodable(string apiVersion, string? uid, string message) => new() { ApiVersion = apiVersion, Uid = uid ?? string.Empty, Error = message };

    public static AdmissionInput Decoded(string apiVersion, AdmissionRequest request) => new() { ApiVersion = apiVersion, Uid = request.Uid ?? string.Empty, Request = request };
}
