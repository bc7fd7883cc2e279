using System.CommandLine;
using System.Net;
using Injector.Core.Manifests;
using k8s;

namespace Injector.Cli.Commands;

/// <summary>
/// <c>tls-injector netpol -f FILE</c>: for each workload that is (or would be) injected, a NetworkPolicy that
/// admits ingress only on the sidecar's TLS ports, closing the plaintext path to the app's port on the pod IP.
/// </summary>
internal static class NetpolCommand
{
    public static Option<string[]> HealthFromOption() => new("--allow-health-from")
    {
        Description = "CIDR allowed to reach the proxy's health port (for CNI plugins that do not exempt the node's kubelet probes).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var file = CliOptions.File();
        var config = CliOptions.Config();
        var ns = CliOptions.Namespace();
        var healthFrom = HealthFromOption();
        var command = new Command("netpol", "Print NetworkPolicies that admit only TLS to injected workloads.") { file, config, ns, healthFrom };
        command.SetAction(parse => Handler(stdin, stdout, stderr, parse.GetRequiredValue(file), parse.GetValue(config), parse.GetRequiredValue(ns), parse.GetValue(healthFrom) ?? []));
        return command;
    }

    internal static int Handler(TextReader stdin, TextWriter stdout, TextWriter stderr, string file, string? configPath, string defaultNamespace, string[] healthSources)
    {
        foreach (var cidr in healthSources)
        {
            if (!IPNetwork.TryParse(cidr, out _))
            {
                stderr.WriteLine($"error: --allow-health-from \"{cidr}\" is not a CIDR such as 10.0.0.0/8.");
                return ExitCodes.BadInput;
            }
        }

        if (InjectCommand.ReadInputs(stdin, stderr, file, configPath, kubeVersion: null) is not { } inputs)
        {
            return ExitCodes.BadInput;
        }

        ManifestInjection result;
        try
        {
            result = new ManifestInjector(inputs.Injector).Inject(inputs.Manifests, inputs.Cluster, defaultNamespace, new NetworkPolicyRequest(AppendToOutput: false, healthSources));
        }
        catch (ManifestException ex)
        {
            stderr.WriteLine($"error: {file}: {ex.Message}");
            return ExitCodes.BadInput;
        }

        var policies = result.Entries.Select(e => e.NetworkPolicy).OfType<k8s.Models.V1NetworkPolicy>().ToList();
        stdout.Write(string.Join("---\n", policies.Select(p => KubernetesYaml.Serialize(p).TrimEnd('\n') + "\n")));
        stderr.WriteLine($"{policies.Count} NetworkPolicy object(s) for {result.Entries.Count} workload(s)");
        foreach (var entry in result.Entries.Where(e => e.Result.Errors.Count > 0))
        {
            foreach (var error in entry.Result.Errors)
            {
                stderr.WriteLine($"  error: {error}");
            }
        }

        return result.HasErrors ? ExitCodes.PolicyErrors : ExitCodes.Ok;
    }
}
