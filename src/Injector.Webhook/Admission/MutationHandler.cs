using System.Text.Json;
using Injector.Core.Admission;
using Injector.Core.Injection;
using Injector.Core.Workloads;
using Injector.Webhook.Cluster;
using Injector.Webhook.Configuration;
using Injector.Webhook.Metrics;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Admission;

/// <summary>
/// <c>POST /mutate</c>: Pods on CREATE get the sidecar through Core's <see cref="PodInjector"/>; everything else
/// is admitted unchanged. Dry-run requests are answered exactly the same (the webhook has no side effects).
/// </summary>
internal sealed class MutationHandler(
    PodInjector injector,
    NamespaceCache namespaces,
    ClusterState cluster,
    NetworkPolicyGuard networkPolicies,
    IOptions<WebhookOptions> options)
{
    public Task<AdmissionDecision> DecideAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AdmissionScope.NotMutated(request.Kind?.Group, request.Kind?.Kind, request.SubResource, request.Operation) is { } ignored)
        {
            return Task.FromResult(AdmissionDecision.Allow(AdmissionResults.Ignored, ignored));
        }

        return InjectAsync(request, cancellationToken);
    }

    private async Task<AdmissionDecision> InjectAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasObject)
        {
            return AdmissionDecision.Invalid("request.object is missing or not a JSON object on a Pod CREATE.");
        }

        V1Pod pod;
        try
        {
            pod = (V1Pod)WorkloadKinds.Deserialize(WorkloadKinds.Pod, request.ObjectJson)!;
        }
        catch (JsonException ex)
        {
            return AdmissionDecision.Invalid($"request.object is not a valid Pod: {ex.Message}");
        }

        // managedFields belong to the API server, which rewrites them after every mutation: dropping them before we
        // look keeps them out of the patch diff and saves work on the largest part of many objects.
        pod.Metadata ??= new V1ObjectMeta();
        pod.Metadata.ManagedFields = null;

        var namespaceName = request.Namespace ?? pod.Metadata.NamespaceProperty;
        if (string.IsNullOrEmpty(namespaceName))
        {
            return AdmissionDecision.Invalid("The Pod has no namespace (request.namespace is empty).");
        }

        var warnings = new List<string>();
        var lookup = await namespaces.GetAsync(namespaceName, cancellationToken);
        NamespaceInfo ns;
        if (lookup.Info is { } info)
        {
            ns = info;
        }
        else
        {
            var problem = AdmissionScope.NamespaceProblem(namespaceName, lookup.Status == NamespaceLookupStatus.NotFound, lookup.Error);
            if (options.Value.LookupFailurePolicy == LookupFailurePolicy.Deny)
            {
                return AdmissionDecision.Deny(AdmissionResults.Denied, "namespace lookup failed",
                    $"tls-injector cannot decide on injection: {problem}. Retry when the API is reachable (Webhook:LookupFailurePolicy=Deny).");
            }

            // Allow: the pod's own labels still decide; namespace-wide opt-in and defaults are not applied.
            ns = NamespaceInfo.Empty(namespaceName);
            warnings.Add($"tls-injector: {problem}; namespace labels and default annotations were not applied.");
        }

        var result = injector.Inject(pod, ns, cluster.Info);
        warnings.AddRange(result.Warnings);
        if (await networkPolicies.CheckAsync(result, namespaceName, cancellationToken) is { } advice)
        {
            if (advice.Reject)
            {
                return AdmissionDecision.Deny(AdmissionResults.Denied, "no NetworkPolicy selects the pod",
                    advice.Message + " (Injector:NetworkPolicyCheck=Reject)", warnings: warnings);
            }

            warnings.Add(advice.Message);
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
