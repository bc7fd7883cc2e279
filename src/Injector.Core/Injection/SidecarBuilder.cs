using System.Runtime.CompilerServices;
using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Workloads;
using Injector.Tls.Settings;
using k8s.Models;

namespace Injector.Core.Injection;

/// <summary>Builds the <c>tls-proxy</c> container: Pod Security <c>restricted</c>, resources, probes, read-only mounts.</summary>
internal static class SidecarBuilder
{
    private static readonly ConditionalWeakTable<InjectorOptions, SidecarParts> SharedParts = new();

    public const string HealthPortName = "tls-health";

    /// <summary>The path, relative to the image root, of the proxy binary (its ENTRYPOINT).</summary>
    public const string ProxyBinary = "/tls-proxy";

    /// <summary>Seconds the classic-mode postStart hook waits for the proxy before the kubelet gives up on the pod.</summary>
    public const int ClassicWaitSeconds = 60;

    public static V1Container Build(
        ProxySettings proxy,
        IReadOnlyList<V1ContainerPort> ports,
        IReadOnlyList<V1VolumeMount> mounts,
        bool native,
        InjectorOptions options)
    {
        var env = proxy.ToEnvironment()
            .Select(kv => new V1EnvVar { Name = kv.Key, Value = kv.Value })
            .Append(FieldRef("POD_NAME", "metadata.name"))
            .Append(FieldRef("POD_NAMESPACE", "metadata.namespace"))
            .ToList();

        var parts = SharedParts.GetValue(options, static o => new SidecarParts(o));
        return new V1Container
        {
            Name = ContractNames.ProxyContainerName,
            Image = options.ProxyImage,
            ImagePullPolicy = options.ProxyImagePullPolicy,
            Ports = [.. ports],
            Env = env,
            VolumeMounts = [.. mounts],
            Resources = parts.Resources,
            SecurityContext = parts.SecurityContext,
            StartupProbe = parts.StartupProbe,
            ReadinessProbe = parts.ReadinessProbe,
            LivenessProbe = parts.LivenessProbe,

            // A native sidecar is an init container that keeps running (KEP-753).
            RestartPolicy = native ? "Always" : null,
            Lifecycle = native ? null : parts.ClassicLifecycle,
            TerminationMessagePolicy = "FallbackToLogsOnError",
        };
    }

    private static V1EnvVar FieldRef(string name, string path) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } },
    };

    private static V1Probe HttpProbe(string path, int port, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port, Scheme = "HTTP" },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 1,
    };

    /// <summary>
    /// The parts of the sidecar that depend only on the options, built once per options instance and shared by
    /// every pod injected with them (parsing four quantities per pod cost more than the rest of the container).
    /// Shared means read-only: <see cref="PodMutator.CopyForMutation"/> copies a probe before anything writes it,
    /// and each part is frozen, its JSON written once (<see cref="KubernetesModelJson.Freeze"/>).
    /// </summary>
    private sealed class SidecarParts(InjectorOptions options)
    {
        public V1ResourceRequirements Resources { get; } = KubernetesModelJson.Freeze(new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity>
            {
                ["cpu"] = new(options.Resources.CpuRequest),
                ["memory"] = new(options.Resources.MemoryRequest),
            },
            Limits = new Dictionary<string, ResourceQuantity>
            {
                ["cpu"] = new(options.Resources.CpuLimit),
                ["memory"] = new(options.Resources.MemoryLimit),
            },
        });

        public V1SecurityContext SecurityContext { get; } = KubernetesModelJson.Freeze(new V1SecurityContext
        {
            RunAsNonRoot = true,
            RunAsUser = options.ProxyUid,
            RunAsGroup = options.ProxyUid,
            AllowPrivilegeEscalation = false,
            ReadOnlyRootFilesystem = true,
            Privileged = false,
            Capabilities = new V1Capabilities { Drop = ["ALL"] },
            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
        });

        // /started does not depend on the app: in native mode the app starts only once this probe passes.
        public V1Probe StartupProbe { get; } = KubernetesModelJson.Freeze(HttpProbe("/started", options.HealthPort, periodSeconds: 1, failureThreshold: 120));

        public V1Probe ReadinessProbe { get; } = KubernetesModelJson.Freeze(HttpProbe("/readyz", options.HealthPort, periodSeconds: 5, failureThreshold: 3));

        public V1Probe LivenessProbe { get; } = KubernetesModelJson.Freeze(HttpProbe("/healthz", options.HealthPort, periodSeconds: 10, failureThreshold: 3));

        // Classic mode has no start ordering: the kubelet runs postStart to completion before starting the
        // next container, so the app starts only once the proxy serves (Istio's holdApplicationUntilProxyStarts).
        public V1Lifecycle ClassicLifecycle { get; } = KubernetesModelJson.Freeze(new V1Lifecycle
        {
            PostStart = new V1LifecycleHandler
            {
                Exec = new V1ExecAction { Command = [ProxyBinary, "wait", "--timeout", ClassicWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)] },
            },
        });
    }
}
