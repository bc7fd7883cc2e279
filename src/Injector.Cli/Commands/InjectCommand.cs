using System.CommandLine;
using System.Text.Json;
using Injector.Core.Injection;
using Injector.Core.Manifests;

namespace Injector.Cli.Commands;

/// <summary>
/// <c>tls-injector inject -f FILE|-</c>: the manifests on stdout with every opted-in pod or pod template
/// injected (as <c>istioctl kube-inject</c> does), and a report of each decision on stderr.
/// </summary>
internal static class InjectCommand
{
    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var file = CliOptions.File();
        var config = CliOptions.Config();
        var ns = CliOptions.Namespace();
        var kubeVersion = new Option<string?>("--kube-version")
        {
            Description = "API server version, e.g. 1.28, for SidecarMode auto (native sidecars from 1.29). Default: native.",
        };
        var withNetpol = new Option<bool>("--with-netpol")
        {
            Description = "After each injected workload, add a NetworkPolicy admitting ingress only on its TLS ports.",
        };
        var healthFrom = NetpolCommand.HealthFromOption();
        var command = new Command("inject", "Inject the tls-proxy sidecar into manifests.") { file, config, ns, kubeVersion, withNetpol, healthFrom };
        command.SetAction(parse => Handler(
            stdin,
            stdout,
            stderr,
            parse.GetRequiredValue(file),
            parse.GetValue(config),
            parse.GetRequiredValue(ns),
            parse.GetValue(kubeVersion),
            parse.GetValue(withNetpol) ? new NetworkPolicyRequest(AppendToOutput: true, parse.GetValue(healthFrom) ?? []) : null));
        return command;
    }

    internal static int Handler(TextReader stdin, TextWriter stdout, TextWriter stderr, string file, string? configPath, string defaultNamespace, string? kubeVersion, NetworkPolicyRequest? networkPolicies = null)
    {
        if (ReadInputs(stdin, stderr, file, configPath, kubeVersion) is not { } inputs)
        {
            return ExitCodes.BadInput;
        }

        ManifestInjection result;
        try
        {
            result = new ManifestInjector(inputs.Injector).Inject(inputs.Manifests, inputs.Cluster, defaultNamespace, networkPolicies);
        }
        catch (ManifestException ex)
        {
            stderr.WriteLine($"error: {file}: {ex.Message}");
            return ExitCodes.BadInput;
        }

        stdout.Write(result.Output);
        foreach (var entry in result.Entries)
        {
            var verb = entry.Result.Decision switch
            {
                InjectionDecision.Injected => "injected",
                InjectionDecision.AlreadyInjected => "unchanged",
                InjectionDecision.Denied => "not injected",
                _ => "skipped",
            };
            stderr.WriteLine($"{entry.Name}: {verb} ({entry.Result.Reason})");
            foreach (var error in entry.Result.Errors)
            {
                stderr.WriteLine($"  error: {error}");
            }

            foreach (var warning in entry.Result.Warnings)
            {
                stderr.WriteLine($"  warning: {warning}");
            }
        }

        return result.HasErrors ? ExitCodes.PolicyErrors : ExitCodes.Ok;
    }

    /// <summary>Reads what every manifest command needs, or explains on stderr why it cannot (null).</summary>
    internal static ManifestInputs? ReadInputs(TextReader stdin, TextWriter stderr, string file, string? configPath, string? kubeVersion)
    {
        string manifests;
        PodInjector injector;
        try
        {
            manifests = CliInput.ReadManifests(file, stdin);
            injector = new PodInjector(CliInput.ReadOptions(configPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return null;
        }

        var cluster = ClusterInfo.Unknown;
        if (kubeVersion is not null)
        {
            var parts = kubeVersion.TrimStart('v').Split('.');
            cluster = ClusterInfo.FromVersion(parts[0], parts.ElementAtOrDefault(1));
            if (cluster.ServerVersion is null)
            {
                stderr.WriteLine($"error: --kube-version \"{kubeVersion}\" is not MAJOR.MINOR, e.g. 1.29.");
                return null;
            }
        }

        return new ManifestInputs(manifests, injector, cluster);
    }
}

/// <summary>The manifests to work on, the injector configured for them, and what is known of the cluster.</summary>
internal sealed record ManifestInputs(string Manifests, PodInjector Injector, ClusterInfo Cluster);
