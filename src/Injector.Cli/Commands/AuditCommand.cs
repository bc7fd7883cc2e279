using System.CommandLine;
using Injector.Cli.Audit;
using Injector.Cli.Lookups;
using Injector.Core.Audit;
using Injector.Core.Configuration;
using k8s;
using k8s.Autorest;

namespace Injector.Cli.Commands;

/// <summary>
/// <c>tls-injector audit</c>: lists the cluster's pods and reports those the webhook should have injected and did
/// not (escaped), and those whose sidecar runs outdated or no longer valid settings, each with its owner and fix.
/// It changes nothing unless <c>--restart-owners</c> is given. Exit 0 clean, 1 findings, 2 the audit failed or a usage error.
/// </summary>
internal static class AuditCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var kubeconfig = CliOptions.Kubeconfig();
        var context = CliOptions.Context();
        var ns = new Option<string?>("--namespace", "-n") { Description = "Audit only this namespace." };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "Audit every namespace (the default)." };
        var output = CliOptions.Output(OutputFormats.Table, OutputFormats.Json, OutputFormats.Yaml);
        var restart = new Option<bool>("--restart-owners")
        {
            Description = "Rollout-restart the Deployments, StatefulSets and DaemonSets that own reported pods (never bare pods or Jobs).",
        };
        var config = CliOptions.Config();
        var command = new Command("audit", "Find pods that run without their TLS sidecar, or with outdated sidecar settings.")
        {
            kubeconfig, context, ns, all, output, restart, config,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(ns) is not null && result.GetValue(all))
            {
                result.AddError("--namespace and --all-namespaces exclude each other. Fix: give one of them.");
            }
        });
        command.SetAction((parse, cancel) => HandlerAsync(
            stdout,
            stderr,
            new AuditArguments(parse.GetValue(kubeconfig), parse.GetValue(ns), parse.GetRequiredValue(output), parse.GetValue(restart), parse.GetValue(config)) { Context = parse.GetValue(context) },
            TimeProvider.System,
            cancel));
        return command;
    }

    internal static async Task<int> HandlerAsync(TextWriter stdout, TextWriter stderr, AuditArguments args, TimeProvider time, CancellationToken cancellationToken)
    {
        if (CliInput.ReadOptionsOrReport(args.ConfigPath, stderr) is not { } options)
        {
            return AuditExitCodes.Error;
        }

        if (KubeconfigLoader.LoadOrReport(args.Kubeconfig, args.Context, stderr) is not { } clientConfig)
        {
            return AuditExitCodes.Error;
        }

        using var client = new Kubernetes(clientConfig);
        try
        {
            return await AuditAsync(stdout, stderr, client, args, options, time, cancellationToken);
        }
        catch (HttpOperationException ex)
        {
            stderr.WriteLine($"error: {ApiErrors.Describe(ex, $"{ex.Request?.Method} {ex.Request?.RequestUri?.PathAndQuery}")} (server {clientConfig.Host})");
        }
        catch (HttpRequestException ex)
        {
            stderr.WriteLine($"error: {ApiErrors.Describe(ex)} (server {clientConfig.Host})");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"error: the API server at {clientConfig.Host} did not answer in time. Fix: check that it is up and reachable (kubectl get --raw /readyz).");
        }
        catch (AuditException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
        }

        return AuditExitCodes.Error;
    }

    /// <summary>The findings in <paramref name="namespaceName"/> (null: everywhere), each with the owner where its fix lives.</summary>
    internal static async Task<(IReadOnlyList<AuditFinding> Findings, int PodsChecked)> FindAsync(IKubernetes client, string? namespaceName, InjectorOptions options, CancellationToken cancellationToken)
    {
        var inventory = new ClusterInventory(client);
        var namespaces = await inventory.ListNamespacesAsync(namespaceName, cancellationToken);
        var pods = await inventory.ListPodsAsync(namespaceName, cancellationToken);

        var resolver = new OwnerResolver(client);
        var findings = new List<AuditFinding>();
        foreach (var finding in PodAuditor.Audit(pods, namespaces, options))
        {
            findings.Add(await resolver.ResolveAsync(finding, cancellationToken));
        }

        return (findings, pods.Count);
    }

    private static async Task<int> AuditAsync(TextWriter stdout, TextWriter stderr, IKubernetes client, AuditArguments args, InjectorOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var (findings, podsChecked) = await FindAsync(client, args.Namespace, options, cancellationToken);
        var restarts = new List<RestartOutcome>();
        if (args.RestartOwners)
        {
            var restarter = new OwnerRestarter(client, time);
            foreach (var (ns, owner) in OwnerRestarter.Plan(findings))
            {
                restarts.Add(await restarter.RestartAsync(ns, owner, cancellationToken));
            }
        }

        if (DataOutput.IsData(args.Output))
        {
            DataOutput.Write(stdout, new AuditReport { PodsChecked = podsChecked, Findings = findings, Restarts = restarts }, args.Output);
        }
        else
        {
            AuditTable.Write(stdout, findings, podsChecked);
            WriteRestarts(stdout, findings, restarts, args.RestartOwners);
        }

        foreach (var failed in restarts.Where(r => r.Error is not null))
        {
            stderr.WriteLine($"error: restarting {failed.Owner} -n {failed.Namespace}: {failed.Error}");
        }

        return restarts.Any(r => r.Error is not null) ? AuditExitCodes.Error
            : findings.Count > 0 ? AuditExitCodes.Findings
            : AuditExitCodes.Clean;
    }

    private static void WriteRestarts(TextWriter stdout, IReadOnlyList<AuditFinding> findings, List<RestartOutcome> restarts, bool restartOwners)
    {
        if (!restartOwners)
        {
            var plan = OwnerRestarter.Plan(findings);
            if (plan.Count > 0)
            {
                stdout.WriteLine($"Nothing was changed. --restart-owners would rollout-restart: {string.Join(", ", plan.Select(p => $"{p.Owner} -n {p.Namespace}"))}.");
            }

            return;
        }

        foreach (var restart in restarts.Where(r => r.Error is null))
        {
            stdout.WriteLine($"restarted {restart.Owner} -n {restart.Namespace} ({OwnerRestarter.RestartedAtAnnotation}={restart.RestartedAt}); run audit again once the rollout is done.");
        }

        if (findings.Count > 0 && restarts.Count == 0)
        {
            stdout.WriteLine("Nothing to restart: every finding needs a settings fix or a manual recreate (see FIX).");
        }
    }
}
