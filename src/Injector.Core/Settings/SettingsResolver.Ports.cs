using System.Globalization;
using Injector.Core.Configuration;
using Injector.Core.Contract;
using Injector.Core.Injection;
using k8s.Models;

namespace Injector.Core.Settings;

public static partial class SettingsResolver
{
    /// <summary>A port some container of the pod declares.</summary>
    private sealed record DeclaredPort(string Container, int Port, string? Name, string Protocol);

    private static List<PortMapping> ResolvePorts(EffectiveAnnotations values, V1PodSpec spec, InjectionStatus? status, InjectorOptions options, List<SettingProblem> errors)
    {
        var appPorts = DeclaredPorts(spec.Containers ?? [], status).ToList();
        var allPorts = appPorts.Concat(DeclaredPorts(spec.InitContainers ?? [], status)).ToList();
        var text = values.Get(ContractNames.Ports);
        var mappings = new List<PortMapping>();

        if (text is null)
        {
            var tcp = appPorts.Where(p => p.Protocol == "TCP").ToList();
            if (tcp.Count != 1)
            {
                var declared = tcp.Count == 0 ? "none" : string.Join(", ", tcp.Select(Describe));
                errors.Add(new SettingProblem(ContractNames.Ports,
                    $"annotation {ContractNames.Ports} is missing and the pod does not declare exactly one TCP container port (declared: {declared}). Fix: set {ContractNames.Ports} to the app ports to protect, e.g. \"8080\" or \"http:8443\"."));
                return mappings;
            }

            mappings.Add(new PortMapping(tcp[0].Container, tcp[0].Port, tcp[0].Name, options.DefaultTlsPort));
        }
        else
        {
            foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries))
            {
                if (ParseEntry(entry, values, appPorts, status, options, errors) is { } mapping)
                {
                    mappings.Add(mapping);
                }
            }
        }

        CheckCollisions(values, mappings, allPorts, options, errors);
        return mappings;
    }

    private static PortMapping? ParseEntry(string entry, EffectiveAnnotations values, List<DeclaredPort> appPorts, InjectionStatus? status, InjectorOptions options, List<SettingProblem> errors)
    {
        var parts = entry.Split(':');
        if (entry.Length == 0 || parts.Length > 2 || parts.Any(p => p.Length == 0))
        {
            errors.Add(Problem(values, ContractNames.Ports, $"has entry \"{entry}\" that is not APP or APP:TLS. Fix: write a comma list such as \"8080\", \"http:8443\" or \"8080:8443,9090:9443\"."));
            return null;
        }

        var tlsPort = options.DefaultTlsPort;
        if (parts.Length == 2 && !TryParsePort(parts[1], out tlsPort))
        {
            errors.Add(Problem(values, ContractNames.Ports, $"has TLS port \"{parts[1]}\" in \"{entry}\" that is not a number from 1 to 65535. Fix: give the port the sidecar should listen on, e.g. 8443."));
            return null;
        }

        var app = parts[0];
        DeclaredPort? declared;
        if (int.TryParse(app, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number is < 1 or > 65535)
            {
                errors.Add(Problem(values, ContractNames.Ports, $"has app port {app} outside 1-65535. Fix: use a port a container declares."));
                return null;
            }

            declared = appPorts.FirstOrDefault(p => p.Port == number)
                ?? FromStatus(status, m => m.AppPort == number);
        }
        else
        {
            declared = appPorts.FirstOrDefault(p => p.Name == app)
                ?? FromStatus(status, m => m.PortName == app);
        }

        if (declared is null)
        {
            var known = appPorts.Count == 0 ? "none" : string.Join(", ", appPorts.Select(Describe));
            errors.Add(Problem(values, ContractNames.Ports, $"names app port \"{app}\", which no container declares (declared: {known}). Fix: use a declared port by number or name, or add it to the container's ports."));
            return null;
        }

        if (declared.Protocol != "TCP")
        {
            errors.Add(Problem(values, ContractNames.Ports, $"names app port \"{app}\", which is {declared.Protocol}. Fix: only TCP ports can be served over TLS; remove it from the list."));
            return null;
        }

        return new PortMapping(declared.Container, declared.Port, declared.Name, tlsPort);
    }

    private static void CheckCollisions(EffectiveAnnotations values, List<PortMapping> mappings, List<DeclaredPort> allPorts, InjectorOptions options, List<SettingProblem> errors)
    {
        foreach (var group in mappings.GroupBy(m => (m.Container, m.AppPort)).Where(g => g.Count() > 1))
        {
            errors.Add(Problem(values, ContractNames.Ports, $"lists app port {group.Key.AppPort} more than once. Fix: list each app port once."));
        }

        foreach (var group in mappings.GroupBy(m => m.TlsPort).Where(g => g.Count() > 1))
        {
            errors.Add(Problem(values, ContractNames.Ports,
                $"maps app ports {string.Join(" and ", group.Select(m => m.AppPort))} to the same TLS port {group.Key}. Fix: give each its own TLS port, e.g. \"{group.First().AppPort}:{group.Key},{group.Last().AppPort}:{group.Key + 1}\"."));
        }

        foreach (var mapping in mappings.DistinctBy(m => m.TlsPort))
        {
            if (allPorts.FirstOrDefault(p => p.Port == mapping.TlsPort) is { } taken)
            {
                errors.Add(Problem(values, ContractNames.Ports,
                    $"asks the sidecar to listen on {mapping.TlsPort}, which container \"{taken.Container}\" already declares. Fix: choose a free TLS port, e.g. \"{mapping.PortName ?? mapping.AppPort.ToString(CultureInfo.InvariantCulture)}:{FreePort(allPorts, mappings, options)}\"."));
            }
            else if (mapping.TlsPort == options.HealthPort)
            {
                errors.Add(Problem(values, ContractNames.Ports,
                    $"asks the sidecar to listen on {mapping.TlsPort}, its own health port. Fix: choose another TLS port."));
            }
        }
    }

    private static int FreePort(List<DeclaredPort> allPorts, List<PortMapping> mappings, InjectorOptions options)
    {
        var port = options.DefaultTlsPort;
        while (allPorts.Any(p => p.Port == port) || mappings.Any(m => m.TlsPort == port) || port == options.HealthPort)
        {
            port++;
        }

        return port;
    }

    /// <summary>
    /// The ports as the pod declared them before injection: on an injected pod (<paramref name="status"/> set) the
    /// sidecar's ports are not the app's, and a protected port gets back the name that moved to the sidecar, so
    /// re-resolving an injected pod gives the same settings (and hash) as the admission did.
    /// </summary>
    private static IEnumerable<DeclaredPort> DeclaredPorts(IEnumerable<V1Container> containers, InjectionStatus? status)
        => containers
            .Where(c => !(status is not null && c.Name == ContractNames.ProxyContainerName))
            .SelectMany(c => (c.Ports ?? []).Select(p => new DeclaredPort(
                c.Name,
                p.ContainerPort,
                p.Name ?? status?.Ports.FirstOrDefault(m => m.Container == c.Name && m.AppPort == p.ContainerPort)?.PortName,
                p.Protocol ?? "TCP")));

    private static DeclaredPort? FromStatus(InjectionStatus? status, Func<PortMapping, bool> match)
        => status?.Ports.FirstOrDefault(match) is { } m ? new DeclaredPort(m.Container, m.AppPort, m.PortName, "TCP") : null;

    private static bool TryParsePort(string text, out int port)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;

    private static string Describe(DeclaredPort p) => p.Name is null ? $"{p.Container}/{p.Port}" : $"{p.Container}/{p.Name}={p.Port}";
}
