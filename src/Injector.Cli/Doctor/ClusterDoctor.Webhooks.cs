using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Injector.Cli.Doctor;

// The two webhook configurations, and the Service and ready endpoints they send the API server to.
internal sealed partial class ClusterDoctor
{
    private IEnumerable<WebhookEntry> Webhooks()
        => (_mutating?.Webhooks ?? []).Select(w => new WebhookEntry("MutatingWebhookConfiguration", w.Name, w.ClientConfig))
            .Concat((_validating?.Webhooks ?? []).Select(w => new WebhookEntry("ValidatingWebhookConfiguration", w.Name, w.ClientConfig)));

    /// <summary>The distinct Services the webhooks call.</summary>
    private List<Admissionregistrationv1ServiceReference> Services()
        => [.. Webhooks().Select(w => w.ClientConfig.Service).OfType<Admissionregistrationv1ServiceReference>()
            .DistinctBy(s => (s.NamespaceProperty, s.Name, s.Port ?? 443))];

    private async Task<DoctorCheck> CheckMutatingAsync(string name, CancellationToken cancellationToken)
    {
        _mutating = await ReadOrNullAsync(() => client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(InstallNames.WebhookConfiguration, cancellationToken: cancellationToken));
        return CheckConfiguration(name, "MutatingWebhookConfiguration", _mutating?.Webhooks.Select(w => new WebhookEntry("MutatingWebhookConfiguration", w.Name, w.ClientConfig)));
    }

    private async Task<DoctorCheck> CheckValidatingAsync(string name, CancellationToken cancellationToken)
    {
        _validating = await ReadOrNullAsync(() => client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(InstallNames.WebhookConfiguration, cancellationToken: cancellationToken));
        return CheckConfiguration(name, "ValidatingWebhookConfiguration", _validating?.Webhooks.Select(w => new WebhookEntry("ValidatingWebhookConfiguration", w.Name, w.ClientConfig)));
    }

    private DoctorCheck CheckConfiguration(string name, string kind, IEnumerable<WebhookEntry>? webhooks)
    {
        var reinstall = $"apply the install manifests again (README.md, Install); kubectl get {kind.ToLowerInvariant()} {InstallNames.WebhookConfiguration} -o yaml shows what is there.";
        if (webhooks is null)
        {
            return DoctorCheck.Fail(name, $"{kind} {InstallNames.WebhookConfiguration} does not exist: no pod is {(kind.StartsWith('M') ? "injected" : "validated")}.", reinstall);
        }

        var list = webhooks.ToList();
        if (list.Count == 0)
        {
            return DoctorCheck.Fail(name, $"{kind} {InstallNames.WebhookConfiguration} has no webhooks.", reinstall);
        }

        var byUrl = list.Where(w => w.ClientConfig.Service is null).ToList();
        if (byUrl.Count > 0)
        {
            return DoctorCheck.Warn(name, $"{string.Join(", ", byUrl)} call{(byUrl.Count == 1 ? "s" : string.Empty)} {byUrl[0].ClientConfig.Url} rather than a Service (hack/run-local.sh does this); doctor checks Services only.", $"reinstall to use the Service {injectorNamespace}/{InstallNames.Deployment}.");
        }

        var elsewhere = list.Where(w => w.ClientConfig.Service!.NamespaceProperty != injectorNamespace).ToList();
        if (elsewhere.Count > 0)
        {
            var service = elsewhere[0].ClientConfig.Service!;
            return DoctorCheck.Fail(name, $"{elsewhere[0]} calls Service {service.NamespaceProperty}/{service.Name}, outside the injector's namespace {injectorNamespace}.", $"pass --injector-namespace {service.NamespaceProperty} if tls-injector runs there; else {reinstall}");
        }

        var services = list.Select(w => $"{w.ClientConfig.Service!.Name}:{w.ClientConfig.Service.Port ?? 443}{w.ClientConfig.Service.Path}").Distinct(StringComparer.Ordinal);
        return DoctorCheck.Pass(name, $"{kind} {InstallNames.WebhookConfiguration}: {list.Count} webhook(s) calling Service {injectorNamespace}/{string.Join(", ", services)}.");
    }

    private async Task<DoctorCheck> CheckEndpointsAsync(string name, CancellationToken cancellationToken)
    {
        var services = Services();
        if (services.Count == 0)
        {
            return DoctorCheck.Fail(name, "no webhook configuration names a Service, so there are no endpoints to check.", "fix the webhook configurations first (see above).");
        }

        var ready = new List<string>();
        foreach (var reference in services)
        {
            var service = await ReadOrNullAsync(() => client.CoreV1.ReadNamespacedServiceAsync(reference.Name, reference.NamespaceProperty, cancellationToken: cancellationToken));
            if (service is null)
            {
                return DoctorCheck.Fail(name, $"Service {reference.NamespaceProperty}/{reference.Name}, which the webhooks call, does not exist.", "apply the install manifests again (README.md, Install).");
            }

            var count = await ReadyEndpointsAsync(reference, cancellationToken);
            if (count == 0)
            {
                return DoctorCheck.Fail(
                    name,
                    $"Service {reference.NamespaceProperty}/{reference.Name} has no ready endpoints: the API server cannot reach the webhook, and pods that opted in are rejected (failurePolicy Fail).",
                    $"kubectl -n {reference.NamespaceProperty} get pods -l app.kubernetes.io/name=tls-injector; see why they are not ready with kubectl describe and kubectl logs.");
            }

            ready.Add($"{reference.NamespaceProperty}/{reference.Name} has {count} ready endpoint(s)");
        }

        return DoctorCheck.Pass(name, $"Service {string.Join("; ", ready)}.");
    }

    /// <summary>Ready addresses from EndpointSlices (discovery.k8s.io/v1, 1.21+), else from the Endpoints object.</summary>
    private async Task<int> ReadyEndpointsAsync(Admissionregistrationv1ServiceReference service, CancellationToken cancellationToken)
    {
        try
        {
            var slices = await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(
                service.NamespaceProperty, labelSelector: $"{InstallNames.ServiceNameLabel}={service.Name}", cancellationToken: cancellationToken);

            // A nil ready condition means unknown, which consumers are to read as ready (EndpointConditions API docs).
            return slices.Items.Sum(s => (s.Endpoints ?? []).Count(e => e.Conditions?.Ready ?? true));
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            var endpoints = await ReadOrNullAsync(() => client.CoreV1.ReadNamespacedEndpointsAsync(service.Name, service.NamespaceProperty, cancellationToken: cancellationToken));
            return endpoints?.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0;
        }
    }
}
