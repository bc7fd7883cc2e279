using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Injection;
using Injector.Core.NetworkPolicies;
using Injector.Core.Settings;
using Injector.Core.Workloads;
using k8s.Models;

namespace Injector.Core.Validation;

/// <summary>
/// Checks the TLS settings of a Pod or pod template, and the Secrets they name, so that a bad
/// reference fails at <c>kubectl apply</c> rather than as a pod stuck in ContainerCreating.
/// </summary>
public sealed class PodValidator(InjectorOptions options, TimeProvider timeProvider)
{
    /// <summary>Lives as long as the validator, so the pods of one workload share one analysis of its Secrets.</summary>
    internal SecretAnalyses SecretAnalyses { get; } = new();

    /// <summary>Every error and warning for <paramref name="template"/>, all at once (without the Service name check).</summary>
    public Task<ValidationResult> ValidateAsync(PodTemplate template, NamespaceInfo ns, ISecretLookup secrets, CancellationToken cancellationToken)
        => ValidateAsync(template, ns, secrets, services: null, cancellationToken);

    /// <summary>
    /// Every error and warning for <paramref name="template"/>, all at once; with <paramref name="services"/>, also
    /// whether the certificate covers the DNS names of the Services that select the pod.
    /// </summary>
    public async Task<ValidationResult> ValidateAsync(PodTemplate template, NamespaceInfo ns, ISecretLookup secrets, IServiceLookup? services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(secrets);

        var collector = new ValidationCollector();
        var name = template.DisplayName;
        if (OptIn.SkipReason(template.Metadata, template.Spec, ns, options) is { } skip)
        {
            var ours = (template.Metadata.Annotations ?? new Dictionary<string, string>()).Keys
                .Where(k => ContractNames.UserAnnotations.Contains(k)).ToList();
            if (ours.Count > 0)
            {
                collector.Warning($"{name}: annotations {string.Join(", ", ours)} have no effect: {skip}. Fix: label the pod template {ContractNames.PodInjectLabel}=true, or remove the annotations.");
            }

            return collector.ToResult();
        }

        var resolution = SettingsResolver.Resolve(template.Metadata, template.Spec, ns, options);
        foreach (var error in resolution.Errors)
        {
            collector.Error($"{name}: {error.Message}");
        }

        foreach (var warning in resolution.Warnings)
        {
            collector.Warning($"{name}: {warning.Message}");
        }

        var checks = new CertificateChecks(name, ns.Name, timeProvider.GetUtcNow(), TimeSpan.FromDays(options.ExpiryWarningDays), options.Strict, SecretAnalyses, collector);
        var secret = resolution.SecretName;
        var secretSource = resolution.SecretSource ?? ContractNames.Secret;
        var certificate = secret is null ? null : checks.CheckServerSecret(secret, secretSource, await secrets.GetAsync(ns.Name, secret, cancellationToken));
        if (services is not null && await services.ListAsync(ns.Name, cancellationToken) is { } inNamespace)
        {
            var selecting = inNamespace.Where(s => LabelSelectors.MatchesServiceSelector(s.Spec?.Selector, template.Metadata.Labels)).ToList();
            if (secret is not null && certificate is not null)
            {
                checks.CheckServiceNames(secretSource, certificate, selecting.Select(s => s.Metadata.Name));
            }

            if (resolution.Settings is { } settings)
            {
                CheckNumericTargetPorts(name, settings, selecting, collector);
            }
        }

        if (resolution.ClientCaSecretName is { } clientCa)
        {
            checks.CheckClientCaSecret(clientCa, resolution.ClientCaSource ?? ContractNames.ClientCaSecret, await secrets.GetAsync(ns.Name, clientCa, cancellationToken));
        }

        CheckSubPathMounts(name, template.Spec, [resolution.SecretName, resolution.ClientCaSecretName], collector);

        return collector.ToResult();
    }

    /// <summary>A Service that targets a protected app port by number bypasses the sidecar: plaintext to the app.</summary>
    private static void CheckNumericTargetPorts(string name, TlsSettings settings, IEnumerable<k8s.Models.V1Service> services, ValidationCollector collector)
    {
        foreach (var service in services)
        {
            foreach (var port in service.Spec.Ports ?? [])
            {
                string? target = port.TargetPort;
                if (int.TryParse(target ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), out var number)
                    && settings.Ports.FirstOrDefault(m => m.AppPort == number) is { } mapping)
                {
                    var fix = mapping.PortName is { } portName ? $"targetPort: {portName} (the name now belongs to the TLS port)" : $"targetPort: {mapping.TlsPort}";
                    collector.Warning($"{name}: Service \"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}\" port {port.Port} targets app port {number} by number, so its traffic reaches the app in plaintext, around tls-proxy (annotation {ContractNames.Ports}). Fix: {fix}.");
                }
            }
        }
    }

    /// <summary>A Secret mounted with subPath is copied once and never updated, so a renewed certificate never arrives.</summary>
    private static void CheckSubPathMounts(string name, V1PodSpec spec, string?[] secretsInUse, ValidationCollector collector)
    {
        var secretNames = secretsInUse.OfType<string>().ToHashSet(StringComparer.Ordinal);
        var volumes = (spec.Volumes ?? [])
            .Where(v => v.Secret?.SecretName is { } s && secretNames.Contains(s))
            .ToDictionary(v => v.Name, v => v.Secret.SecretName, StringComparer.Ordinal);
        foreach (var container in spec.Containers.Concat(spec.InitContainers ?? []))
        {
            foreach (var mount in container.VolumeMounts ?? [])
            {
                if (!string.IsNullOrEmpty(mount.SubPath) && volumes.TryGetValue(mount.Name, out var secret))
                {
                    collector.Warning($"{name}: container \"{container.Name}\" mounts Secret \"{secret}\" (annotation {ContractNames.Secret} or {ContractNames.ClientCaSecret}) with subPath \"{mount.SubPath}\"; subPath mounts never receive updates, so a renewed certificate will not reach it. Fix: mount the whole Secret as a directory and read the file from there.");
                }
            }
        }
    }
}
