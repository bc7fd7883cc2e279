using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Tls.ProxyContract;
using k8s.Models;

namespace Injector.Core.Injection;

/// <summary>Builds the <c>tls-proxy</c> container: Pod Security <c>restricted</c>, resources, probes, read-only mounts.</summary>
internal static class SidecarBuilder
{
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

        return new V1Container
        {
            Name = ContractNames.ProxyContainerName,
            Image = options.ProxyImage,
            ImagePullPolicy = options.ProxyImagePullPolicy,
            Ports = [.. ports],
            Env = env,
            VolumeMounts = [.. mounts],
            Resources = new V1ResourceRequirements
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
            },
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = options.ProxyUid,
                RunAsGroup = options.ProxyUid,
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                Privileged = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },

            // /started does not depend on the app: in native mode the app starts only once this probe passes.
            StartupProbe = HttpProbe("/started", options.HealthPort, periodSeconds: 1, failureThreshold: 120),
            ReadinessProbe = HttpProbe("/readyz", options.HealthPort, periodSeconds: 5, failureThreshold: 3),
            LivenessProbe = HttpProbe("/healthz", options.HealthPort, periodSeconds: 10, failureThreshold: 3),

            // A native sidecar is an init container that keeps running (KEP-753).
            RestartPolicy = native ? "Always" : null,
            Lifecycle = native ? null : ClassicLifecycle(),
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

    // Classic mode has no start ordering: the kubelet runs postStart to completion before starting the
    // next container, so the app starts only once the proxy serves (Istio's holdApplicationUntilProxyStarts).
    private static V1Lifecycle ClassicLifecycle() => new()
    {
        PostStart = new V1LifecycleHandler
        {
            Exec = new V1ExecAction { Command = [ProxyBinary, "wait", "--timeout", ClassicWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)] },
        },
    };
}
