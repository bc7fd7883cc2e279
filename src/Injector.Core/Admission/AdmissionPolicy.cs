using System.Text.Json;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Core.Validation;
using Injector.Core.Workloads;
using k8s.Models;

namespace Injector.Core.Admission;

/// <summary>
/// What both webhooks decide, in one place: which requests they look at, how a failed lookup is answered, and the
/// NetworkPolicy advice. <c>/mutate</c> calls <see cref="MutateAsync"/>, <c>/validate</c> calls
/// <see cref="ValidateAsync"/>; the webhook only reads the review and writes the answer.
/// </summary>
public sealed partial class AdmissionPolicy(PodInjector injector, PodValidator validator, LookupFailurePolicy lookupFailure)
{
    private InjectorOptions Options => injector.Options;

    /// <summary>The request's object as its model, managedFields dropped; or the answer to a request without a readable one.</summary>
    private static AdmissionDecision? TryDecode(AdmissionRequest request, string kind, out object? obj)
    {
        obj = null;
        if (!request.HasObject)
        {
            return AdmissionDecision.Invalid($"request.object is missing or not a JSON object on a {kind} {request.Operation}.");
        }

        try
        {
            obj = WorkloadKinds.Deserialize(kind, request.ObjectJson);
        }
        catch (JsonException ex)
        {
            return AdmissionDecision.Invalid($"request.object is not a valid {kind}: {ex.Message}");
        }

        // managedFields belong to the API server, which rewrites them after every mutation: dropping them keeps them
        // out of the patch diff and saves work on the largest part of many objects.
        if (obj is IMetadata<V1ObjectMeta> { Metadata: { } meta })
        {
            meta.ManagedFields = null;
        }

        return null;
    }

    /// <summary>
    /// A namespace or Secret that could not be read: under <see cref="LookupFailurePolicy.Deny"/> the refusal, under
    /// <see cref="LookupFailurePolicy.Allow"/> null, with a warning added that says what was not done.
    /// </summary>
    private AdmissionDecision? OnLookupFailure(string subject, string doing, string admittedHow, string problems, List<string> warnings)
    {
        if (lookupFailure == LookupFailurePolicy.Deny)
        {
            return AdmissionDecision.Deny(AdmissionResults.Denied, "lookup failed",
                $"{subject}: tls-injector could not {doing}: {problems}. Retry when the API is reachable (Webhook:LookupFailurePolicy=Deny).",
                warnings: warnings);
        }

        warnings.Add($"{subject}: tls-injector could not {doing} and admitted it {admittedHow} (Webhook:LookupFailurePolicy=Allow): {problems}");
        return null;
    }

    /// <summary>
    /// The advice for pods no ingress NetworkPolicy selects. The cache answers first; an object a user applied, or one
    /// about to be refused, is checked again against the API, since its policy may be in the same apply.
    /// </summary>
    private async Task<string?> NetworkPolicyAdviceAsync(
        string namespaceName, bool appliedByUser, Func<IEnumerable<V1NetworkPolicy>, string?> advise, IAdmissionCluster cluster, CancellationToken cancellationToken)
    {
        if (Options.NetworkPolicyCheck == NetworkPolicyCheck.Off)
        {
            return null;
        }

        var advice = advise(cluster.NetworkPolicies(namespaceName));
        if (advice is not null && (appliedByUser || Options.NetworkPolicyCheck == NetworkPolicyCheck.Reject)
            && await cluster.LiveNetworkPoliciesAsync(namespaceName, cancellationToken) is { } live)
        {
            advice = advise(live);
        }

        return advice;
    }

    /// <summary>Refuses under <see cref="NetworkPolicyCheck.Reject"/>, else adds the advice to the warnings; null when admitted.</summary>
    private AdmissionDecision? ApplyAdvice(string? advice, List<string> warnings)
    {
        if (advice is null)
        {
            return null;
        }

        if (Options.NetworkPolicyCheck == NetworkPolicyCheck.Reject)
        {
            return AdmissionDecision.Deny(AdmissionResults.Denied, "no NetworkPolicy", advice + " (Injector:NetworkPolicyCheck=Reject)", warnings: warnings);
        }

        warnings.Add(advice);
        return null;
    }
}
