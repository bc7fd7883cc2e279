using System.Reflection;
using k8s.Models;

namespace Injector.E2E.Manifests;

/// <summary>
/// The <c>apiVersion/kind</c> → model map for strict loading: every built-in model of KubernetesClient
/// plus the cert-manager kinds the overlay uses and the Prometheus Operator kinds of components/monitoring. A document of any other kind fails the load.
/// </summary>
internal static class ManifestTypeMap
{
    public static IDictionary<string, Type> Create()
    {
        var map = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in typeof(V1Pod).Assembly.GetTypes())
        {
            if (type.GetCustomAttribute<KubernetesEntityAttribute>() is not { } entity || string.IsNullOrEmpty(entity.Kind))
            {
                continue;
            }

            var apiVersion = string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}";
            map.TryAdd($"{apiVersion}/{entity.Kind}", type);
        }

        map["cert-manager.io/v1/Certificate"] = typeof(CertManagerCertificate);
        map["cert-manager.io/v1/Issuer"] = typeof(CertManagerIssuer);
        map["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor);
        map["monitoring.coreos.com/v1/PodMonitor"] = typeof(PodMonitor);
        map["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRule);
        return map;
    }
}
