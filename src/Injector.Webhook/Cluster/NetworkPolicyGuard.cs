using Injector.Core.Admission;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Core.NetworkPolicies;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// The NetworkPolicy admission check: an injected pod that no ingress NetworkPolicy selects still answers in plaintext on
/// its app ports at the pod IP. <see cref="NetworkPolicyCheck.Warn"/> adds Core's advice to the response warnings;
/// <see cref="NetworkPolicyCheck.Reject"/> refuses the pod with it.
/// </summary>
internal sealed class NetworkPolicyGuard(NetworkPolicyCache cache, IOptions<InjectorOptions> options)
{
    /// <summary>Null when the pod is covered, not injected, or the check is off; else the text and whether it refuses the pod.</summary>
    public async Task<(string Message, bool Reject)?> CheckAsync(InjectionResult result, string namespaceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var check = options.Value.NetworkPolicyCheck;
        if (check == NetworkPolicyCheck.Off || result.Decision != InjectionDecision.Injected)
        {
            return null;
        }

        var advice = NetworkPolicyAdvice.For(result, namespaceName, cache.InNamespace(namespaceName), check);
        if (advice is null)
        {
            return null;
        }

        // Before refusing a pod, or advising one that no controller made (it came in one apply with its policy),
        // ask the API itself: the policy may not have reached the cache yet. If the API cannot answer, the cache decides.
        if ((check == NetworkPolicyCheck.Reject || AdmissionScope.AppliedByUser(result.Pod.Metadata)) && await cache.ListFromApiAsync(namespaceName, cancellationToken) is { } fresh)
        {
            advice = NetworkPolicyAdvice.For(result, namespaceName, fresh, check);
        }

        return advice is null ? null : (advice, check == NetworkPolicyCheck.Reject);
    }
}
