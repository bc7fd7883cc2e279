using Injector.Core.Contract;
using Injector.Core.NetworkPolicies;
using Injector.Core.Workloads;
using k8s.Models;

namespace Injector.Core.Admission;

public sealed partial class AdmissionPolicy
{
    /// <summary>
    /// <c>/validate</c>: the TLS settings of a Pod, or of the pod template of the six workload kinds, on CREATE and
    /// UPDATE, with <see cref="Validation.PodValidator"/>. Everything else is allowed.
    /// </summary>
    public Task<AdmissionDecision> ValidateAsync(AdmissionRequest request, IAdmissionCluster cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(cluster);
        if (AdmissionScope.NotValidated(request.Kind?.Group, request.Kind?.Kind, request.SubResource, request.Operation) is { } ignored)
        {
            return Task.FromResult(AdmissionDecision.Allow(AdmissionResults.Ignored, ignored));
        }

        return CheckAsync(request, request.Kind!.Kind!, cluster, cancellationToken);
    }

    private async Task<AdmissionDecision> CheckAsync(AdmissionRequest request, string kind, IAdmissionCluster cluster, CancellationToken cancellationToken)
    {
        if (TryDecode(request, kind, out var obj) is { } invalid)
        {
            return invalid;
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

        var warnings = new List<string>();
        var lookup = await cluster.GetNamespaceAsync(namespaceName, cancellationToken);
        if (lookup.Info is not { } ns)
        {
            return !HasContractKeys(template) ? AdmissionDecision.Allow(AdmissionResults.Allowed, "not opted in; " + lookup.Problem(namespaceName))
                : Unchecked(template, lookup.Problem(namespaceName), warnings);
        }

        // Controller-made pods were checked as their workload and read the cache; what a user applies may come in one
        // kubectl apply with its Service and NetworkPolicy, ahead of the watch, so those are read live.
        var appliedByUser = obj is not V1Pod pod || AdmissionScope.AppliedByUser(pod.Metadata);
        var secrets = new CountingSecretLookup(cluster.Secrets);
        var result = await validator.ValidateAsync(template, ns, secrets, appliedByUser ? cluster.LiveServices : cluster.Services, cancellationToken);
        warnings.AddRange(result.Warnings);

        // Core adds one error per lookup that could not be answered. Only when those are all the errors does the
        // policy decide; an error that is certain anyway (a bad annotation) refuses the object under either policy.
        if (result.LookupUnavailable && result.Errors.Count <= secrets.Unavailable)
        {
            return Unchecked(template, string.Join("; ", result.Errors), warnings);
        }

        if (!result.Allowed)
        {
            return AdmissionDecision.Deny(AdmissionResults.Denied, $"{result.Errors.Count} error(s)", string.Join("; ", result.Errors), warnings: warnings);
        }

        // For workloads: the pods' own warnings would reach only the controller that creates them.
        var advice = await NetworkPolicyAdviceAsync(namespaceName, appliedByUser,
            policies => NetworkPolicyAdvice.ForWorkload(template, ns, Options, policies), cluster, cancellationToken);
        return ApplyAdvice(advice, warnings) ?? AdmissionDecision.Allow(AdmissionResults.Allowed, "valid", warnings);
    }

    private AdmissionDecision Unchecked(PodTemplate template, string problems, List<string> warnings)
        => OnLookupFailure(template.DisplayName, "check its TLS settings", "unchecked", problems, warnings)
            ?? AdmissionDecision.Allow(AdmissionResults.Allowed, "lookup failed, allowed by policy", warnings);

    /// <summary>True when the template carries any tls-injector.io label or annotation: there is something to check.</summary>
    private static bool HasContractKeys(PodTemplate template)
        => (template.Metadata.Labels?.Keys ?? []).Concat(template.Metadata.Annotations?.Keys ?? [])
            .Any(k => k.StartsWith(ContractNames.Prefix, StringComparison.Ordinal));
}
