using System.CommandLine;
using Injector.Cli.Doctor;
using Injector.Cli.Lookups;
using k8s;

namespace Injector.Cli.Commands;

/// <summary>
/// <c>tls-injector doctor</c>: checks an installed tls-injector as <c>linkerd check</c> does, each check printed
/// ✔, ‼ or ✘ with its fix. Exit 0 when no check failed (warnings allowed), 1 when one did, 2 on a usage error.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var kubeconfig = CliOptions.Kubeconfig();
        var context = CliOptions.Context();
        var ns = new Option<string?>("--injector-namespace")
        {
            Description = "Namespace tls-injector is installed in (default: InjectorNamespace of --config, tls-injector).",
        };
        var webhookUrl = new Option<Uri?>("--webhook-url")
        {
            Description = "Where to reach the webhook's TLS port from here, e.g. https://127.0.0.1:8443 after "
                + "kubectl -n tls-injector port-forward svc/tls-injector-webhook 8443:443. Default: the Service's DNS name in a pod, else the serving Secret.",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps)
                {
                    return url;
                }

                result.AddError($"--webhook-url {text} is not an https:// address. Fix: e.g. --webhook-url https://127.0.0.1:8443.");
                return null;
            },
        };
        var output = CliOptions.Output(OutputFormats.Text, OutputFormats.Json, OutputFormats.Yaml);
        var config = CliOptions.Config();
        var command = new Command("doctor", "Check that the installed webhook is reachable, trusted, authorized and injecting.")
        {
            kubeconfig, context, ns, webhookUrl, output, config,
        };
        command.SetAction((parse, cancel) => HandlerAsync(
            stdout,
            stderr,
            new DoctorArguments(parse.GetValue(kubeconfig), parse.GetValue(context), parse.GetValue(ns), parse.GetValue(webhookUrl), parse.GetRequiredValue(output), parse.GetValue(config))
            {
                InCluster = KubernetesClientConfiguration.IsInCluster(),
            },
            TimeProvider.System,
            cancel));
        return command;
    }

    internal static async Task<int> HandlerAsync(TextWriter stdout, TextWriter stderr, DoctorArguments args, TimeProvider time, CancellationToken cancellationToken)
    {
        if (CliInput.ReadOptionsOrReport(args.ConfigPath, stderr) is not { } options)
        {
            return ExitCodes.BadInput;
        }

        if (KubeconfigLoader.LoadOrReport(args.Kubeconfig, args.Context, stderr) is not { } clientConfig)
        {
            return ExitCodes.BadInput;
        }

        var injectorNamespace = args.Namespace ?? options.InjectorNamespace;
        using var client = new Kubernetes(clientConfig);
        var checks = await new ClusterDoctor(client, injectorNamespace, new ServingCertificateProbe(client, args.WebhookUrl, args.InCluster), options, time).RunAsync(cancellationToken);
        var report = new DoctorReport(injectorNamespace, checks);
        if (DataOutput.IsData(args.Output))
        {
            DataOutput.Write(stdout, report, args.Output);
        }
        else
        {
            DoctorText.Write(stdout, report);
        }

        return report.Healthy ? ExitCodes.Ok : ExitCodes.ChecksFailed;
    }
}
