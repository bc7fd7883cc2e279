using System.CommandLine;
using Injector.Cli.Lookups;
using Injector.Core.Injection;
using Injector.Core.Manifests;
using Injector.Core.Validation;
using k8s;
using k8s.Models;

namespace Injector.Cli.Commands;

/// <summary>
/// <c>tls-injector check -f FILE</c>: the validating webhook's rules, offline. Secrets come from the same file,
/// then <c>--secrets-dir</c>, then the cluster with <c>--cluster</c>. Exit 1 when any workload would be rejected.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var file = CliOptions.File();
        var config = CliOptions.Config();
        var ns = CliOptions.Namespace();
        var secretsDir = new Option<string?>("--secrets-dir")
        {
            Description = "Directory of Secrets as files: DIR/NAMESPACE/NAME/tls.crt or DIR/NAME/tls.crt.",
        };
        var cluster = new Option<bool>("--cluster")
        {
            Description = "Also read Secrets and Namespaces from the cluster of the current kubeconfig.",
        };
        var kubeconfig = CliOptions.Kubeconfig();
        var context = CliOptions.Context();
        var output = CliOptions.Output(OutputFormats.Text, OutputFormats.Json, OutputFormats.Yaml);
        var command = new Command("check", "Check TLS settings and certificate Secrets as the validating webhook would.")
        {
            file, config, ns, secretsDir, cluster, kubeconfig, context, output,
        };
        command.SetAction((parse, cancel) =>
        {
            ClusterLookup? lookup = null;
            if (parse.GetValue(cluster))
            {
                if (KubeconfigLoader.LoadOrReport(parse.GetValue(kubeconfig), parse.GetValue(context), stderr) is not { } clientConfig)
                {
                    return Task.FromResult(ExitCodes.BadInput);
                }

                lookup = new ClusterLookup(new Kubernetes(clientConfig));
            }

            return HandlerAsync(
                stdin,
                stdout,
                stderr,
                new CheckArguments(parse.GetRequiredValue(file), parse.GetValue(config), parse.GetRequiredValue(ns), parse.GetValue(secretsDir), lookup, parse.GetRequiredValue(output)),
                cancel);
        });
        return command;
    }

    internal static async Task<int> HandlerAsync(TextReader stdin, TextWriter stdout, TextWriter stderr, CheckArguments args, CancellationToken cancellationToken)
    {
        if (InjectCommand.ReadInputs(stdin, stderr, args.File, args.ConfigPath, kubeVersion: null) is not { } inputs)
        {
            return ExitCodes.BadInput;
        }

        List<ManifestObject> objects;
        try
        {
            objects = [.. ManifestDocument.Split(inputs.Manifests).Select(ManifestObject.Parse)];
        }
        catch (ManifestException ex)
        {
            stderr.WriteLine($"error: {args.File}: {ex.Message}");
            return ExitCodes.BadInput;
        }

        ISecretLookup? outside = args.Cluster;
        if (args.SecretsDirectory is not null)
        {
            outside = new DirectorySecretLookup(args.SecretsDirectory, outside);
        }

        var secrets = new ManifestSecretLookup(objects.Select(o => o.Typed).OfType<V1Secret>(), args.DefaultNamespace, outside);
        var services = new ManifestServiceLookup(objects.Select(o => o.Typed).OfType<V1Service>(), args.DefaultNamespace, args.Cluster);
        var namespaces = ManifestInjector.NamespacesIn(objects);
        var validator = new PodValidator(inputs.Injector.Options, TimeProvider.System);

        var workloads = new List<CheckedWorkload>();
        foreach (var obj in objects)
        {
            if (obj.Typed is null or V1Namespace or V1Secret or V1Service || ManifestInjector.Template(obj.Typed, args.DefaultNamespace) is not { } template)
            {
                continue;
            }

            var nsName = template.Namespace ?? args.DefaultNamespace;
            NamespaceInfo ns;
            try
            {
                ns = namespaces.GetValueOrDefault(nsName)
                    ?? (args.Cluster is null ? NamespaceInfo.Empty(nsName) : await args.Cluster.GetNamespaceAsync(nsName, cancellationToken));
            }
            catch (Exception ex) when (ex is k8s.Autorest.HttpOperationException or HttpRequestException)
            {
                stderr.WriteLine($"error: cannot read namespace {nsName} from the cluster: {Reason(ex)}. Hint: check the kubeconfig (--kubeconfig, --context, KUBECONFIG) and that you may get namespaces.");
                return ExitCodes.BadInput;
            }

            var result = await validator.ValidateAsync(template, ns, secrets, services, cancellationToken);
            workloads.Add(new CheckedWorkload(template.Kind, template.Name, nsName, result.Errors, result.Warnings));
        }

        var report = new CheckReport(workloads);
        if (DataOutput.IsData(args.Output))
        {
            DataOutput.Write(stdout, report, args.Output);
        }
        else
        {
            foreach (var workload in workloads)
            {
                workload.Errors.ToList().ForEach(e => stdout.WriteLine($"error: {e}"));
                workload.Warnings.ToList().ForEach(w => stdout.WriteLine($"warning: {w}"));
            }

            stdout.WriteLine($"checked {report.Checked} workload(s): {report.ErrorCount} error(s), {report.WarningCount} warning(s)");
        }

        return report.ErrorCount > 0 ? ExitCodes.PolicyErrors : ExitCodes.Ok;
    }

    private static string Reason(Exception ex)
        => ex is k8s.Autorest.HttpOperationException http ? $"{(int)http.Response.StatusCode} {http.Response.StatusCode}" : ex.Message;
}

/// <summary>What <c>check</c> was asked to do.</summary>
internal sealed record CheckArguments(string File, string? ConfigPath, string DefaultNamespace, string? SecretsDirectory, ClusterLookup? Cluster, string Output = OutputFormats.Text);
