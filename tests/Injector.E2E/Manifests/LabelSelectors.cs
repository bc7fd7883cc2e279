using k8s.Models;

namespace Injector.E2E.Manifests;

/// <summary>
/// Evaluates the webhook configurations' selectors with Core's <see cref="Injector.Core.NetworkPolicies.LabelSelectors"/>,
/// adding what a manifest check needs on top: a null selector (absent namespaceSelector/objectSelector) matches
/// everything, and an unknown operator fails loudly instead of quietly matching nothing.
/// </summary>
internal static class LabelSelectors
{
    private static readonly HashSet<string> Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    /// <summary>True when <paramref name="labels"/> satisfy <paramref name="selector"/>; a null or empty selector matches everything.</summary>
    public static bool Matches(V1LabelSelector? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return true;
        }

        // NotIn and DoesNotExist match objects without the key: that is what lets a namespace with no
        // tls-injector label reach the pod-label webhook.
        var unknown = (selector.MatchExpressions ?? []).FirstOrDefault(r => !Operators.Contains(r.OperatorProperty));
        if (unknown is not null)
        {
            throw new InvalidOperationException($"Unknown label selector operator {unknown.OperatorProperty}.");
        }

        return Injector.Core.NetworkPolicies.LabelSelectors.Matches(selector, labels.ToDictionary());
    }
}
