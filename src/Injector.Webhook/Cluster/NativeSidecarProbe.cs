using System.Net;
using System.Text.Json;
using Injector.Core.Configuration;
using Injector.Core.Contract;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Injector.Webhook.Cluster;

/// <summary>
/// Asks the API server whether it runs native sidecars: a server-side dry-run create (nothing is stored) of a tiny
/// Pod Security <c>restricted</c> pod in the webhook's own namespace, with an init container <c>restartPolicy: Always</c>.
/// The server drops that field when the SidecarContainers gate is off, and servers before 1.28 drop it as unknown,
/// so the field surviving in the answer means native sidecars are on. Sees the API server only, not the kubelets.
/// </summary>
internal sealed class NativeSidecarProbe(IKubernetes client, IOptions<InjectorOptions> options, string? podNamespace)
{
    /// <summary>Long enough for a slow API server, short enough that readiness does not wait on a hung one.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>What the probe found, or why it could not tell.</summary>
    public async Task<NativeSidecarProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(podNamespace))
        {
            return NativeSidecarProbeResult.Failed("the webhook's namespace is unknown. Hint: set POD_NAMESPACE from the downward API (fieldRef metadata.namespace)");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var created = await client.CoreV1.CreateNamespacedPodAsync(Pod(options.Value), podNamespace, dryRun: Names.DryRunAll, cancellationToken: timeout.Token);
            var kept = created.Spec?.InitContainers?.FirstOrDefault(c => c.Name == Names.Sidecar)?.RestartPolicy == Names.Always;
            return NativeSidecarProbeResult.Found(kept, kept
                ? "the API server kept initContainers[].restartPolicy: Always on a dry-run pod"
                : "the API server dropped initContainers[].restartPolicy from a dry-run pod (SidecarContainers off, or older than 1.28)");
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            return NativeSidecarProbeResult.Failed($"403 Forbidden creating a dry-run pod in namespace {podNamespace}: {StatusMessage(ex)}. Hint: apply the Role and RoleBinding tls-injector-sidecar-probe (create on pods in this namespace)");
        }
        catch (HttpOperationException ex)
        {
            return NativeSidecarProbeResult.Failed($"{(int)ex.Response.StatusCode} {ex.Response.StatusCode} creating a dry-run pod in namespace {podNamespace}: {StatusMessage(ex)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return NativeSidecarProbeResult.Failed($"no answer to a dry-run pod create within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else, too: a probe that fails must leave the version rule in charge, never stop the start.
            return NativeSidecarProbeResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The <c>message</c> of the Status the API server answered with, else the body as it came.</summary>
    private static string StatusMessage(HttpOperationException ex)
    {
        try
        {
            using var status = JsonDocument.Parse(ex.Response.Content ?? string.Empty);
            return status.RootElement.TryGetProperty("message", out var message) && message.GetString() is { } text ? text : ex.Response.Content ?? "(no body)";
        }
        catch (JsonException)
        {
            return ex.Response.Content ?? "(no body)";
        }
    }

    /// <summary>
    /// Meets Pod Security <c>restricted</c> (the namespace enforces it), mounts no token, and carries
    /// <c>tls-injector.io/inject=false</c> so our own mutating webhooks skip it in any namespace.
    /// </summary>
    internal static V1Pod Pod(InjectorOptions options)
    {
        var security = new V1SecurityContext
        {
            AllowPrivilegeEscalation = false,
            Capabilities = new V1Capabilities { Drop = [Names.AllCapabilities] },
        };
        return new V1Pod
        {
            ApiVersion = V1Pod.KubeApiVersion,
            Kind = V1Pod.KubeKind,
            Metadata = new V1ObjectMeta
            {
                GenerateName = Names.GenerateName,
                Labels = new Dictionary<string, string>
                {
                    [Names.NameLabel] = Names.NameValue,
                    [Names.ComponentLabel] = Names.ComponentValue,
                    [ContractNames.PodInjectLabel] = ContractNames.False,
                },
            },
            Spec = new V1PodSpec
            {
                AutomountServiceAccountToken = false,
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = options.ProxyUid,
                    SeccompProfile = new V1SeccompProfile { Type = Names.RuntimeDefault },
                },
                InitContainers = [new V1Container { Name = Names.Sidecar, Image = options.ProxyImage, RestartPolicy = Names.Always, SecurityContext = security }],
                Containers = [new V1Container { Name = Names.App, Image = options.ProxyImage, SecurityContext = security }],
            },
        };
    }

    /// <summary>The probe's wire strings.</summary>
    internal static class Names
    {
        public const string DryRunAll = "All";
        public const string GenerateName = "tls-injector-sidecar-probe-";
        public const string Sidecar = "sidecar";
        public const string App = "app";
        public const string Always = "Always";
        public const string AllCapabilities = "ALL";
        public const string RuntimeDefault = "RuntimeDefault";
        public const string NameLabel = "app.kubernetes.io/name";
        public const string NameValue = "tls-injector";
        public const string ComponentLabel = "app.kubernetes.io/component";
        public const string ComponentValue = "sidecar-probe";
    }
}
