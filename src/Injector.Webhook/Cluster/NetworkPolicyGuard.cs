using Injector.Core.Configuration;
using Injector.Core.Injection;
using Injector.Core.NetworkPolicies;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Issue 8's admission check: an injected pod that no ingress NetworkPolicy selects still answers in plaintext on
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

        // The advice names the pod as namespace/name, and a pod's own metadata.namespace may be empty on CREATE.
        // The patch was computed already, so this touches nothing that is sent back.
        result.Pod.Metadata.NamespaceProperty ??= namespaceName;
        var advice = NetworkPolicyAdvice.For(result, cache.InNamespace(namespaceName), check);
        if (advice is null || check != NetworkPolicyCheck.Reject)
        {
            return advice is null ? null : (advice, false);
        }

        // Before refusing, ask the API itself: the policy may be in the same apply as the pod and not yet in the
        // cache. If the API cannot answer, the cache (listed and watched) decides.
        if (await cache.ListFromApiAsync(namespaceName, cancellationToken) is { } fresh)
        {
            advice = NetworkPolicyAdvice.For(result, fresh, check);
        }

        return advice is null ? null : (advice, true);
    }
}
