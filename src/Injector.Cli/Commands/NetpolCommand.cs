using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
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
        var output = CliOptions.Output(OutputFormats.Yaml, OutputFormats.Json);
        var command = new Command("netpol", "Print NetworkPolicies that admit only TLS to injected workloads.") { file, config, ns, healthFrom, output };
        command.SetAction(parse => Handler(stdin, stdout, stderr, parse.GetRequiredValue(file), parse.GetValue(config), parse.GetRequiredValue(ns), parse.GetValue(healthFrom) ?? [], parse.GetRequiredValue(output)));
        return command;
    }

    /// <summary>
    /// Writes the policies as a multi-document YAML stream, or with <c>-o json</c> as the <c>v1 List</c> that
    /// <c>kubectl get -o json</c> prints (both are what <c>kubectl apply -f</c> takes).
    /// </summary>
    internal static int Handler(TextReader stdin, TextWriter stdout, TextWriter stderr, string file, string? configPath, string defaultNamespace, string[] healthSources, string output = OutputFormats.Yaml)
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
        if (output == OutputFormats.Json)
        {
            var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. policies.Select(p => JsonNode.Parse(KubernetesJson.Serialize(p)))]) };
            stdout.WriteLine(list.ToJsonString(DataOutput.Json));
        }
        else
        {
            stdout.Write(string.Join("---\n", policies.Select(p => KubernetesYaml.Serialize(p).TrimEnd('\n') + "\n")));
        }

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
