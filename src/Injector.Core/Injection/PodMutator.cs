using System.Globalization;
using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Settings;
using Injector.Tls.Certificates;
using Injector.Tls.ProxyContract;
using k8s.Models;

namespace Injector.Core.Injection;

/// <summary>The injection, applied to a pod copy the caller owns: sidecar, volumes, port takeover, probes, status.</summary>
internal static partial class PodMutator
{
    public const string ServerVolumeName = "tls-injector-server";
    public const string ClientCaVolumeName = "tls-injector-client-ca";
    public const string DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container";
    public const string UnprivilegedPortSysctl = "net.ipv4.ip_unprivileged_port_start";

    /// <summary>Generic hint any app can read: the address to bind protected ports to.</summary>
    public const string AppAddressVariable = "TLS_INJECTOR_APP_ADDR";

    /// <summary>Honoured by every ASP.NET Core app (Kestrel's listen addresses).</summary>
    public const string AspNetCoreUrlsVariable = "ASPNETCORE_URLS";

    private static readonly (string Kind, Func<V1Container, V1Probe?> Get, Action<V1Container, V1Probe> Set)[] ProbeKinds =
    [
        ("livez", c => c.LivenessProbe, (c, p) => c.LivenessProbe = p),
        ("readyz", c => c.ReadinessProbe, (c, p) => c.ReadinessProbe = p),
        ("startupz", c => c.StartupProbe, (c, p) => c.StartupProbe = p),
    ];

    public static InjectionStatus Apply(V1Pod pod, TlsSettings settings, bool native, InjectorOptions options)
    {
        var spec = pod.Spec;
        var metadata = pod.Metadata ??= new V1ObjectMeta();
        var volumeNames = (spec.Volumes ?? []).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

        var volumes = new List<V1Volume>();
        var mounts = new List<V1VolumeMount>();
        var serverVolume = UniqueName(ServerVolumeName, volumeNames);
        volumes.Add(SecretVolume(serverVolume, settings.SecretName, PemCertificateLoader.CertificateFileName, PemCertificateLoader.KeyFileName));
        mounts.Add(new V1VolumeMount { Name = serverVolume, MountPath = ProxySettings.DefaultCertDirectory, ReadOnlyProperty = true });

        string? clientCaDirectory = null;
        if (settings.ClientCaSecretName is { } clientCa)
        {
            // Only ca.crt: a CA Secret made by cert-manager also holds the CA's private key, which the proxy must never see.
            var caVolume = UniqueName(ClientCaVolumeName, volumeNames);
            volumes.Add(SecretVolume(caVolume, clientCa, PemCertificateLoader.CaFileName));
            mounts.Add(new V1VolumeMount { Name = caVolume, MountPath = ProxySettings.DefaultClientCaDirectory, ReadOnlyProperty = true });
            clientCaDirectory = ProxySettings.DefaultClientCaDirectory;
        }

        if (settings.BindLoopback)
        {
            AskAppsToBindLoopback(spec, settings);
        }

        // Probes first: a probe may name the port whose name the takeover is about to move.
        var probes = RewriteProbes(spec, settings, options.HealthPort);
        var sidecarPorts = TakeOverPorts(spec, settings, options);
        var appContainers = ShareProcessNamespaceForAppExit(spec, settings, native);

        var proxy = new ProxySettings
        {
            Routes = [.. settings.Ports.Select(p => new ProxyRoute(p.TlsPort, p.AppPort))],
            ClientCaDirectory = clientCaDirectory,
            Mtls = settings.Mtls,
            AllowedClients = settings.AllowedClients,
            ClientIdentityMode = settings.ClientIdentityMode,
            MinTlsVersion = settings.MinTlsVersion,
            Plaintext = settings.Plaintext,
            HealthPort = options.HealthPort,
            AppProbes = probes,
            Metrics = options.ProxyMetrics,
            LogLevel = options.ProxyLogLevel,
            AppContainers = appContainers,
        };
        var sidecar = SidecarBuilder.Build(proxy, sidecarPorts, mounts, native, options);

        spec.Volumes = [.. spec.Volumes ?? [], .. volumes];
        if (native)
        {
            spec.InitContainers = [sidecar, .. spec.InitContainers ?? []];
        }
        else
        {
            // First, so its postStart hook holds the app back; kubectl keeps defaulting to the app.
            var annotations = metadata.Annotations ??= new Dictionary<string, string>();
            annotations.TryAdd(DefaultContainerAnnotation, spec.Containers[0].Name);
            spec.Containers = [sidecar, .. spec.Containers];
        }

        if (settings.Ports.Any(p => p.TlsPort < 1024))
        {
            AllowLowPorts(spec);
        }

        var status = new InjectionStatus
        {
            Sidecar = native ? "native" : "classic",
            Volumes = [.. volumes.Select(v => v.Name)],
            Ports = settings.Ports,
            SettingsHash = settings.Hash(),
        };
        (metadata.Annotations ??= new Dictionary<string, string>())[ContractNames.Status] = status.ToJson();
        return status;
    }

    /// <summary>
    /// The sidecar declares each TLS port under the name the app port had, so a Service whose targetPort is that
    /// name now reaches TLS; the app's port keeps its number but loses the name (names are unique in a pod).
    /// </summary>
    private static List<V1ContainerPort> TakeOverPorts(V1PodSpec spec, TlsSettings settings, InjectorOptions options)
    {
        var portNames = spec.Containers.Concat(spec.InitContainers ?? [])
            .SelectMany(c => c.Ports ?? [])
            .Select(p => p.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

        var ports = new List<V1ContainerPort>();
        foreach (var mapping in settings.Ports)
        {
            string name;
            if (mapping.PortName is not null)
            {
                var appPort = spec.Containers.Single(c => c.Name == mapping.Container).Ports.First(p => p.ContainerPort == mapping.AppPort);
                appPort.Name = null;
                name = mapping.PortName;
            }
            else
            {
                name = UniqueName("tls-" + mapping.TlsPort.ToString(CultureInfo.InvariantCulture), portNames);
            }

            portNames.Add(name);
            ports.Add(new V1ContainerPort { Name = name, ContainerPort = mapping.TlsPort, Protocol = "TCP" });
        }

        ports.Add(new V1ContainerPort { Name = UniqueName(SidecarBuilder.HealthPortName, portNames), ContainerPort = options.HealthPort, Protocol = "TCP" });
        return ports;
    }

    /// <summary>
    /// An httpGet or tcpSocket probe aimed at a protected port is moved to the proxy's health port, which runs the
    /// original probe against the app on loopback; the app can then bind to 127.0.0.1 and probes still pass.
    /// </summary>
    private static Dictionary<string, AppProbe> RewriteProbes(V1PodSpec spec, TlsSettings settings, int healthPort)
    {
        var probes = new Dictionary<string, AppProbe>(StringComparer.Ordinal);
        foreach (var container in spec.Containers)
        {
            foreach (var (kind, get, set) in ProbeKinds)
            {
                if (get(container) is not { } probe || ToAppProbe(container, probe, settings) is not { } appProbe)
                {
                    continue;
                }

                var path = $"/app-health/{container.Name}/{kind}";
                probes[path] = appProbe;
                probe.HttpGet = new V1HTTPGetAction { Path = path, Port = healthPort, Scheme = "HTTP" };
                probe.TcpSocket = null;
                set(container, probe);
            }
        }

        return probes;
    }

    private static AppProbe? ToAppProbe(V1Container container, V1Probe probe, TlsSettings settings)
    {
        var (port, host) = probe.HttpGet is { } http ? (http.Port, http.Host) : probe.TcpSocket is { } tcp ? (tcp.Port, tcp.Host) : (null, null);
        if (port is null || !string.IsNullOrEmpty(host) || ResolvePort(container, port) is not { } number
            || !settings.Ports.Any(m => m.Container == container.Name && m.AppPort == number))
        {
            return null;
        }

        return new AppProbe
        {
            Port = number,
            Path = probe.HttpGet is null ? null : probe.HttpGet.Path ?? "/",
            Scheme = probe.HttpGet?.Scheme ?? (probe.HttpGet is null ? null : "HTTP"),
            Headers = probe.HttpGet?.HttpHeaders is { Count: > 0 } headers ? [.. headers.Select(h => new AppProbeHeader(h.Name, h.Value))] : null,
            TimeoutSeconds = probe.TimeoutSeconds ?? 1,
        };
    }

    /// <summary>A probe's port by number, or by name among the container's own ports (as the kubelet resolves it).</summary>
    private static int? ResolvePort(V1Container container, IntOrString port)
    {
        string? value = port;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return container.Ports?.FirstOrDefault(p => p.Name == value)?.ContainerPort;
    }

    /// <summary>
    /// Closes the pod-IP side door for apps that honour these variables: the protected ports on 127.0.0.1, the
    /// container's other ports as they were. A variable the user already set is never touched.
    /// </summary>
    private static void AskAppsToBindLoopback(V1PodSpec spec, TlsSettings settings)
    {
        foreach (var container in spec.Containers.Where(c => settings.Ports.Any(p => p.Container == c.Name)))
        {
            var protectedPorts = settings.Ports.Where(p => p.Container == container.Name).Select(p => p.AppPort).ToHashSet();
            var urls = (container.Ports ?? [])
                .Where(p => (p.Protocol ?? "TCP") == "TCP")
                .Select(p => protectedPorts.Contains(p.ContainerPort) ? $"http://127.0.0.1:{p.ContainerPort}" : $"http://+:{p.ContainerPort}");
            var env = container.Env ??= new List<V1EnvVar>();
            AddIfAbsent(env, AppAddressVariable, "127.0.0.1");
            AddIfAbsent(env, AspNetCoreUrlsVariable, string.Join(';', urls));
        }

        static void AddIfAbsent(IList<V1EnvVar> env, string name, string value)
        {
            if (!env.Any(e => e.Name == name))
            {
                env.Add(new V1EnvVar { Name = name, Value = value });
            }
        }
    }

    /// <summary>A non-root sidecar can bind a TLS port below 1024 only with this namespaced, "safe" sysctl.</summary>
    private static void AllowLowPorts(V1PodSpec spec)
    {
        var context = spec.SecurityContext ??= new V1PodSecurityContext();
        var sysctls = context.Sysctls ??= new List<V1Sysctl>();
        if (!sysctls.Any(s => s.Name == UnprivilegedPortSysctl))
        {
            sysctls.Add(new V1Sysctl { Name = UnprivilegedPortSysctl, Value = "0" });
        }
    }

    private static V1Volume SecretVolume(string name, string secretName, params string[] keys) => new()
    {
        Name = name,
        Secret = new V1SecretVolumeSource
        {
            SecretName = secretName,
            Items = keys.Select(k => new V1KeyToPath { Key = k, Path = k }).ToList(),
        },
    };

    private static string UniqueName(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (var i = 2; taken.Contains(candidate); i++)
        {
            candidate = $"{name}-{i}";
        }

        taken.Add(candidate);
        return candidate;
    }
}
