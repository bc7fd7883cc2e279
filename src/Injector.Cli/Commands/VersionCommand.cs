using System.CommandLine;
using System.Net;
using Injector.Cli.Audit;
using Injector.Cli.Doctor;
using Injector.Cli.Lookups;
using Injector.Core.Configuration;
using k8s;
using k8s.Autorest;

namespace Injector.Cli.Commands;

/// <summary>
/// <c>tls-injector version</c>: the CLI's version (the build stamps one version into every assembly's
/// AssemblyInformationalVersion), and with <c>--cluster</c> the installed webhook's version label and image.
/// Exit 0, 1 when the webhook is not installed, 2 when the cluster cannot be asked.
/// </summary>
internal static class VersionCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cluster = new Option<bool>("--cluster") { Description = "Also show the webhook installed in the cluster of the kubeconfig." };
        var kubeconfig = CliOptions.Kubeconfig();
        var context = CliOptions.Context();
        var ns = new Option<string>("--injector-namespace")
        {
            Description = "Namespace tls-injector is installed in.",
            DefaultValueFactory = _ => new InjectorOptions().InjectorNamespace,
        };
        var output = CliOptions.Output(OutputFormats.Text, OutputFormats.Json, OutputFormats.Yaml);
        var command = new Command("version", "Print the version of this CLI and, with --cluster, of the installed webhook.") { cluster, kubeconfig, context, ns, output };
        command.SetAction((parse, cancel) => HandlerAsync(
            stdout,
            stderr,
            parse.GetValue(cluster) ? new VersionCluster(parse.GetValue(kubeconfig), parse.GetValue(context), parse.GetRequiredValue(ns)) : null,
            parse.GetRequiredValue(output),
            cancel));
        return command;
    }

    internal static async Task<int> HandlerAsync(TextWriter stdout, TextWriter stderr, VersionCluster? cluster, string output, CancellationToken cancellationToken)
    {
        var report = new VersionReport(BuildInfo.Version);
        var code = ExitCodes.Ok;
        if (cluster is not null)
        {
            if (KubeconfigLoader.LoadOrReport(cluster.Kubeconfig, cluster.Context, stderr) is not { } config)
            {
                return ExitCodes.BadInput;
            }

            using var client = new Kubernetes(config);
            try
            {
                var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(InstallNames.Deployment, cluster.Namespace, cancellationToken: cancellationToken);
                report = report with { Webhook = InstalledWebhookVersion.From(cluster.Namespace, InstalledWebhook.From(deployment)) };
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                stderr.WriteLine($"error: no Deployment {cluster.Namespace}/{InstallNames.Deployment}: tls-injector is not installed there. Fix: pass --injector-namespace, or install it (README.md, Install).");
                code = ExitCodes.NotInstalled;
            }
            catch (HttpOperationException ex)
            {
                stderr.WriteLine($"error: {ApiErrors.Describe(ex, $"get deployment {InstallNames.Deployment} -n {cluster.Namespace}")} (server {config.Host})");
                return ExitCodes.BadInput;
            }
            catch (HttpRequestException ex)
            {
                stderr.WriteLine($"error: {ApiErrors.Describe(ex)} (server {config.Host})");
                return ExitCodes.BadInput;
            }
        }

        if (DataOutput.IsData(output))
        {
            DataOutput.Write(stdout, report, output);
        }
        else
        {
            stdout.WriteLine($"Client: {report.ClientVersion}");
            if (report.Webhook is { } webhook)
            {
                stdout.WriteLine($"Webhook: {webhook.Version} (image {webhook.Image}, {webhook.ReadyReplicas}/{webhook.Replicas} ready, namespace {webhook.Namespace})");
            }
        }

        return code;
    }
}

/// <summary>Where <c>version --cluster</c> looks for the webhook.</summary>
internal sealed record VersionCluster(string? Kubeconfig, string? Context, string Namespace);
