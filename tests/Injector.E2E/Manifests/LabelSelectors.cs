using k8s.Models;

namespace Injector.E2E.Manifests;

/// <summary>Evaluates a <see cref="V1LabelSelector"/> the way the API server does (k8s.io/apimachinery labels.Selector).</summary>
internal static class LabelSelectors
{
    /// <summary>True when <paramref name="labels"/> satisfy <paramref name="selector"/>; a null or empty selector matches everything.</summary>
    public static bool Matches(V1LabelSelector? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return true;
        }

        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var present = labels.TryGetValue(requirement.Key, out var actual);
            var values = requirement.Values ?? [];
            var ok = requirement.OperatorProperty switch
            {
                "In" => present && values.Contains(actual),
                // NotIn and DoesNotExist match objects without the key: that is what lets a namespace
                // with no tls-injector label reach the pod-label webhook.
                "NotIn" => !present || !values.Contains(actual),
                "Exists" => present,
                "DoesNotExist" => !present,
                _ => throw new InvalidOperationException($"Unknown label selector operator {requirement.OperatorProperty}."),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
