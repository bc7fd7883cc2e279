using Injector.Core.Contract;
using Injector.Core.Settings;
using Injector.Tls.ProxyContract;
using k8s.Models;

namespace Injector.Core.Audit;

/// <summary>
/// What the running <c>tls-proxy</c> was configured with, read back from its environment and its Secret volumes,
/// so a stale pod's report can say what changed ("min-tls-version: 1.2 -> 1.3") instead of two opaque hashes.
/// </summary>
internal static class RunningSidecar
{
    /// <summary>The image the sidecar runs, or null when the pod has none.</summary>
    public static string? Image(V1PodSpec spec) => Proxy(spec)?.Image;

    /// <summary>Each setting that differs, as <c>name: old -> new</c>; null when the sidecar cannot be read back.</summary>
    public static IReadOnlyList<string>? Changes(V1PodSpec spec, TlsSettings current)
    {
        var proxy = Proxy(spec);
        if (proxy is null)
        {
            return null;
        }

        // Values from the downward API (POD_NAME) have no literal value, and the proxy reads none of them for TLS.
        var env = (proxy.Env ?? []).Where(e => e.Value is not null).GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        if (ProxySettings.Parse(name => env.GetValueOrDefault(name), out _) is not { } running)
        {
            return null;
        }

        var changes = new List<string>();
        Compare(changes, "secret", SecretMountedAt(spec, proxy, running.CertDirectory), current.SecretName);
        Compare(changes, "ports", string.Join(",", running.Routes.Select(r => $"{r.AppPort}:{r.TlsPort}")), string.Join(",", current.Ports.Select(p => $"{p.AppPort}:{p.TlsPort}")));
        Compare(changes, "mtls", running.Mtls.ToWire(), current.Mtls.ToWire());
        Compare(changes, "client-ca-secret", running.ClientCaDirectory is { } ca ? SecretMountedAt(spec, proxy, ca) : null, current.ClientCaSecretName);
        Compare(changes, "allowed-clients", string.Join(",", running.AllowedClients), string.Join(",", current.AllowedClients));
        Compare(changes, "min-tls-version", running.MinTlsVersion, current.MinTlsVersion);
        Compare(changes, "plaintext", running.Plaintext.ToWire(), current.Plaintext.ToWire());
        return changes;
    }

    private static void Compare(List<string> changes, string name, string? running, string? current)
    {
        if (!string.Equals(running ?? string.Empty, current ?? string.Empty, StringComparison.Ordinal))
        {
            changes.Add($"{name}: {Show(running)} -> {Show(current)}");
        }
    }

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value;

    private static string? SecretMountedAt(V1PodSpec spec, V1Container proxy, string directory)
    {
        var volumeName = proxy.VolumeMounts?.FirstOrDefault(m => m.MountPath == directory)?.Name;
        return spec.Volumes?.FirstOrDefault(v => v.Name == volumeName)?.Secret?.SecretName;
    }

    private static V1Container? Proxy(V1PodSpec spec)
        => spec.InitContainers?.FirstOrDefault(c => c.Name == ContractNames.ProxyContainerName)
           ?? spec.Containers.FirstOrDefault(c => c.Name == ContractNames.ProxyContainerName);
}
