using Injector.Core.Injection;
using Injector.Core.NetworkPolicies;
using Injector.Core.Workloads;
using k8s.Models;

namespace Injector.Core.Admission;

public sealed partial class AdmissionPolicy
{
    /// <summary>
    /// <c>/mutate</c>: a Pod CREATE gets the sidecar through <see cref="PodInjector"/>; everything else is admitted
    /// unchanged. Dry-run requests are answered the same way (the webhook has no side effects).
    /// </summary>
    public Task<AdmissionDecision> MutateAsync(AdmissionRequest request, IAdmissionCluster cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(cluster);
        if (AdmissionScope.NotMutated(request.Kind?.Group, request.Kind?.Kind, request.SubResource, request.Operation) is { } ignored)
        {
            return Task.FromResult(AdmissionDecision.Allow(AdmissionResults.Ignored, ignored));
        }

        return InjectAsync(request, cluster, cancellationToken);
    }

    private async Task<AdmissionDecision> InjectAsync(AdmissionRequest request, IAdmissionCluster cluster, CancellationToken cancellationToken)
    {
        if (TryDecode(request, WorkloadKinds.Pod, out var obj) is { } invalid)
        {
            return invalid;
        }

        var pod = (V1Pod)obj!;
        pod.Metadata ??= new V1ObjectMeta();
        var namespaceName = request.Namespace ?? pod.Metadata.NamespaceProperty;
        if (string.IsNullOrEmpty(namespaceName))
        {
            return AdmissionDecision.Invalid("The Pod has no namespace (request.namespace is empty).");
        }

        var warnings = new List<string>();
        var lookup = await cluster.GetNamespaceAsync(namespaceName, cancellationToken);
        if (lookup.Info is null)
        {
            var subject = PodTemplate.Describe(WorkloadKinds.Pod, namespaceName, PodTemplate.NameOf(pod.Metadata));
            if (OnLookupFailure(subject, "decide on injection", "without its namespace's labels and default annotations", lookup.Problem(namespaceName), warnings) is { } refused)
            {
                return refused;
            }
        }

        // Under LookupFailurePolicy=Allow the pod's own labels still decide.
        var result = injector.Inject(pod, lookup.Info ?? NamespaceInfo.Empty(namespaceName), cluster.Info);
        warnings.AddRange(result.Warnings);
        var advice = await NetworkPolicyAdviceAsync(namespaceName, AdmissionScope.AppliedByUser(pod.Metadata),
            policies => NetworkPolicyAdvice.For(result, namespaceName, policies, Options.NetworkPolicyCheck), cluster, cancellationToken);
        if (ApplyAdvice(advice, warnings) is { } noPolicy)
        {
            return noPolicy;
        }

        return result.Decision switch
        {
            InjectionDecision.Injected => new AdmissionDecision
            {
                Allowed = true,
                Result = AdmissionResults.Injected,
                Reason = result.Reason,
                Patch = result.Patch,
                Warnings = warnings,
            },
            InjectionDecision.AlreadyInjected => AdmissionDecision.Allow(AdmissionResults.AlreadyInjected, result.Reason, warnings),
            InjectionDecision.Denied => AdmissionDecision.Deny(AdmissionResults.Denied, result.Reason,
                result.Errors.Count > 0 ? string.Join("; ", result.Errors) : result.Reason, warnings: warnings),
            _ => AdmissionDecision.Allow(AdmissionResults.Skipped, result.Reason, warnings),
        };
    }
}
