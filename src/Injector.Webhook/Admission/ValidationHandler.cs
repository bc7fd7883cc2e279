using System.Text.Json;
using Injector.Core.Admission;
using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.NetworkPolicies;
using Injector.Core.Validation;
using Injector.Core.Workloads;
using Injector.Webhook.Cluster;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Admission;

/// <summary>
/// <c>POST /validate</c>: checks the TLS settings of Pods and of the pod templates of the six workload kinds on
/// CREATE and UPDATE, with Core's <see cref="PodValidator"/> and the Secret cache. Everything else is allowed.
/// When a lookup fails, <see cref="WebhookOptions.LookupFailurePolicy"/> decides.
/// </summary>
internal sealed class ValidationHandler(
    PodValidator validator,
    NamespaceCache namespaces,
    ISecretLookup secrets,
    ServiceCache services,
    NetworkPolicyCache networkPolicies,
    IOptions<InjectorOptions> injectorOptions,
    IOptions<WebhookOptions> options)
{
    public Task<AdmissionDecision> DecideAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AdmissionScope.NotValidated(request.Kind?.Group, request.Kind?.Kind, request.SubResource, request.Operation) is { } ignored)
        {
            return Task.FromResult(AdmissionDecision.Allow(AdmissionResults.Ignored, ignored));
        }

        return ValidateAsync(request, request.Kind!.Kind!, cancellationToken);
    }

    private async Task<AdmissionDecision> ValidateAsync(AdmissionRequest request, string kind, CancellationToken cancellationToken)
    {
        if (!request.HasObject)
        {
            return AdmissionDecision.Invalid($"request.object is missing or not a JSON object on a {kind} {request.Operation}.");
        }

        object? obj;
        try
        {
            obj = WorkloadKinds.Deserialize(kind, request.ObjectJson);
        }
        catch (JsonException ex)
        {
            return AdmissionDecision.Invalid($"request.object is not a valid {kind}: {ex.Message}");
        }

        // managedFields are the API server's bookkeeping, often the biggest part of the object, and never validated.
        if (obj is IMetadata<V1ObjectMeta> { Metadata: { } meta })
        {
            meta.ManagedFields = null;
        }

        var template = obj is null ? null : WorkloadKinds.GetTemplate(obj, request.Namespace);
        if (template is null)
        {
            return AdmissionDecision.Allow(AdmissionResults.Allowed, $"{kind} has no pod template");
        }

        var namespaceName = template.Namespace ?? request.Namespace;
        if (string.IsNullOrEmpty(namespaceName))
        {
            return AdmissionDecision.Invalid($"The {kind} has no namespace (request.namespace is empty).");
        }

        var lookup = await namespaces.GetAsync(namespaceName, cancellationToken);
        if (lookup.Info is null)
        {
            var problem = AdmissionScope.NamespaceProblem(namespaceName, lookup.Status == NamespaceLookupStatus.NotFound, lookup.Error);
            return OptedIn(template) ? OnLookupFailure(template, [problem]) : AdmissionDecision.Allow(AdmissionResults.Allowed, "not opted in; " + problem);
        }

        // What a user applies (a workload, a pod of no controller) tends to come in one kubectl apply with its
        // Service and NetworkPolicy, faster than the watch delivers them: those are read live. Controller-made pods
        // were checked as their workload, and use the cache.
        var appliedByUser = obj is not V1Pod pod || AdmissionScope.AppliedByUser(pod.Metadata);
        var counting = new CountingSecretLookup(secrets);
        var result = await validator.ValidateAsync(template, lookup.Info, counting, appliedByUser ? services.Live : services, cancellationToken);

        // Core adds one error per lookup that could not be answered. Only when those are all the errors does the
        // policy decide; an error that is certain anyway (a bad annotation) refuses the object under either policy.
        if (result.LookupUnavailable && result.Errors.Count <= counting.Unavailable)
        {
            return OnLookupFailure(template, result.Errors, result.Warnings);
        }

        if (!result.Allowed)
        {
            return AdmissionDecision.Deny(AdmissionResults.Denied, $"{result.Errors.Count} error(s)", string.Join("; ", result.Errors), warnings: result.Warnings);
        }

        // For workloads: the pods' own warnings would reach only the controller that creates them.
        var check = injectorOptions.Value.NetworkPolicyCheck;
        var advice = NetworkPolicyAdvice.ForWorkload(template, lookup.Info, injectorOptions.Value, check == NetworkPolicyCheck.Off ? [] : networkPolicies.InNamespace(namespaceName));
        if (advice is not null && appliedByUser && await networkPolicies.ListFromApiAsync(namespaceName, cancellationToken) is { } live)
        {
            advice = NetworkPolicyAdvice.ForWorkload(template, lookup.Info, injectorOptions.Value, live);
        }

        if (advice is not null)
        {
            return check == NetworkPolicyCheck.Reject
                ? AdmissionDecision.Deny(AdmissionResults.Denied, "no NetworkPolicy", advice, warnings: result.Warnings)
                : AdmissionDecision.Allow(AdmissionResults.Allowed, "valid", [.. result.Warnings, advice]);
        }

        return AdmissionDecision.Allow(AdmissionResults.Allowed, "valid", result.Warnings);
    }

    private AdmissionDecision OnLookupFailure(PodTemplate template, IReadOnlyList<string> problems, IReadOnlyList<string>? warnings = null)
    {
        var what = string.Join("; ", problems);
        if (options.Value.LookupFailurePolicy == LookupFailurePolicy.Deny)
        {
            return AdmissionDecision.Deny(AdmissionResults.Denied, "lookup failed",
                $"{template.DisplayName}: tls-injector could not check its TLS settings: {what}. Retry when the API is reachable (Webhook:LookupFailurePolicy=Deny).",
                warnings: warnings);
        }

        return AdmissionDecision.Allow(AdmissionResults.Allowed, "lookup failed, allowed by policy",
            [.. warnings ?? [], $"{template.DisplayName}: tls-injector could not check its TLS settings and admitted it unchecked (Webhook:LookupFailurePolicy=Allow): {what}"]);
    }

    /// <summary>True when the template carries any tls-injector.io label or annotation: there is something to check.</summary>
    private static bool OptedIn(PodTemplate template)
        => (template.Metadata.Labels?.Keys ?? []).Concat(template.Metadata.Annotations?.Keys ?? [])
            .Any(k => k.StartsWith(ContractNames.Prefix, StringComparison.Ordinal));
}
