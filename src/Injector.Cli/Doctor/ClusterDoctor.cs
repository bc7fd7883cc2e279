using System.Net;
using Injector.Cli.Audit;
using Injector.Core.Configuration;
using Injector.Core.Injection;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Injector.Cli.Doctor;

/// <summary>
/// Runs doctor's checks against one cluster, in order; each later check reads what the earlier ones found (the
/// Deployment, the webhook configurations). An API error fails the check it happened in, not the whole run.
/// </summary>
internal sealed partial class ClusterDoctor(IKubernetes client, string injectorNamespace, ServingCertificateProbe probe, InjectorOptions options, TimeProvider time)
{
    private V1Deployment? _deployment;
    private V1MutatingWebhookConfiguration? _mutating;
    private V1ValidatingWebhookConfiguration? _validating;

    public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken cancellationToken)
    {
        var api = await RunCheckAsync(DoctorChecks.KubernetesApi, CheckApiAsync, cancellationToken);
        if (api.Status == CheckStatus.Fail)
        {
            return [api];
        }

        return
        [
            api,
            await RunCheckAsync(DoctorChecks.WebhookDeployment, CheckDeploymentAsync, cancellationToken),
            await RunCheckAsync(DoctorChecks.MutatingWebhookConfiguration, CheckMutatingAsync, cancellationToken),
            await RunCheckAsync(DoctorChecks.ValidatingWebhookConfiguration, CheckValidatingAsync, cancellationToken),
            await RunCheckAsync(DoctorChecks.WebhookEndpoints, CheckEndpointsAsync, cancellationToken),
            .. await CheckCertificateAsync(cancellationToken),
            await RunCheckAsync(DoctorChecks.WebhookRbac, CheckRbacAsync, cancellationToken),
            await RunCheckAsync(DoctorChecks.OptedInNamespaces, CheckNamespacesAsync, cancellationToken),
            await RunCheckAsync(DoctorChecks.Pods, CheckPodsAsync, cancellationToken),
        ];
    }

    private static async Task<DoctorCheck> RunCheckAsync(string name, Func<string, CancellationToken, Task<DoctorCheck>> check, CancellationToken cancellationToken)
    {
        try
        {
            return await check(name, cancellationToken);
        }
        catch (HttpOperationException ex)
        {
            return DoctorCheck.Fail(name, ApiErrors.Describe(ex, $"{ex.Request?.Method} {ex.Request?.RequestUri?.PathAndQuery}"), "see the message; doctor needs to read what the webhook reads, and to create SubjectAccessReviews.");
        }
        catch (HttpRequestException ex)
        {
            return DoctorCheck.Fail(name, ApiErrors.Describe(ex), "check the kubeconfig's server address (kubectl config view --minify).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DoctorCheck.Fail(name, "the API server did not answer in time.", "check that it is up and reachable (kubectl get --raw /readyz).");
        }
        catch (AuditException ex)
        {
            return DoctorCheck.Fail(name, ex.Message, "see the message.");
        }
    }

    private async Task<DoctorCheck> CheckApiAsync(string name, CancellationToken cancellationToken)
    {
        var version = await client.Version.GetCodeAsync(cancellationToken);
        var cluster = ClusterInfo.FromVersion(version.Major, version.Minor);
        _deployment = await ReadOrNullAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync(InstallNames.Deployment, injectorNamespace, cancellationToken: cancellationToken));
        var mode = await SidecarModeAsync(cancellationToken);
        var native = mode == SidecarMode.Native || (mode == SidecarMode.Auto && cluster.NativeSidecarsSupported);
        var message = $"Kubernetes {version.GitVersion}: SidecarMode {mode} injects {(native ? "native" : "classic")} sidecars"
            + (mode == SidecarMode.Auto ? $" (native from v{ClusterInfo.NativeSidecarVersion}; the webhook's dry-run probe has the last word)." : ".");
        return mode == SidecarMode.Native && !cluster.NativeSidecarsSupported
            ? DoctorCheck.Warn(name, message + $" Before v{ClusterInfo.NativeSidecarVersion} this needs the SidecarContainers feature gate, or pods fail to start.", $"set {InstallNames.SidecarModeVariable}=Auto in the webhook's ConfigMap, or enable the SidecarContainers gate.")
            : DoctorCheck.Pass(name, message);
    }

    /// <summary>Reads nothing itself: the API check fetched the Deployment already, for the sidecar mode.</summary>
    private Task<DoctorCheck> CheckDeploymentAsync(string name, CancellationToken cancellationToken) => Task.FromResult(CheckDeployment(name));

    private DoctorCheck CheckDeployment(string name)
    {
        if (_deployment is null)
        {
            return DoctorCheck.Fail(name, $"Deployment {injectorNamespace}/{InstallNames.Deployment} does not exist.", "install tls-injector (README.md, Install), or pass --injector-namespace if it runs in another namespace.");
        }

        var installed = InstalledWebhook.From(_deployment);
        var message = $"Deployment {injectorNamespace}/{InstallNames.Deployment}: {installed.ReadyReplicas}/{installed.Replicas} replica(s) ready, version {installed.Version}, image {installed.Image}.";
        return installed.ReadyReplicas > 0
            ? DoctorCheck.Pass(name, message)
            : DoctorCheck.Fail(name, message, $"kubectl -n {injectorNamespace} describe deployment {InstallNames.Deployment}, and the logs of its pods.");
    }

    /// <summary>The webhook's SidecarMode: its container's environment, then the ConfigMaps it loads, then the default.</summary>
    private async Task<SidecarMode> SidecarModeAsync(CancellationToken cancellationToken)
    {
        var container = _deployment?.Spec.Template.Spec.Containers.FirstOrDefault(c => c.Name == InstallNames.Container);
        var value = container?.Env?.FirstOrDefault(e => e.Name == InstallNames.SidecarModeVariable)?.Value;
        foreach (var source in container?.EnvFrom ?? [])
        {
            if (value is null && source.ConfigMapRef?.Name is { } configMap
                && await ReadOrNullAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync(configMap, injectorNamespace, cancellationToken: cancellationToken)) is { } map)
            {
                value = map.Data is { } data && data.TryGetValue(InstallNames.SidecarModeVariable, out var fromMap) ? fromMap : null;
            }
        }

        return Enum.TryParse<SidecarMode>(value, ignoreCase: true, out var mode) ? mode : options.SidecarMode;
    }

    private static async Task<T?> ReadOrNullAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
