using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Injector.Cli.Audit;
using Injector.Core.Audit;
using Injector.Core.Configuration;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;

namespace Injector.Cli.Commands;

/// <summary>
/// <c>tls-injector audit</c>: lists the cluster's pods and reports those the webhook should have injected and did
/// not (escaped), and those whose sidecar runs outdated or no longer valid settings, each with its owner and fix.
/// It changes nothing unless <c>--restart-owners</c> is given. Exit 0 clean, 1 findings, 2 the audit failed.
/// </summary>
internal static class AuditCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig to use (default: KUBECONFIG, ~/.kube/config, then in-cluster)." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Audit only this namespace." };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "Audit every namespace (the default)." };
        var output = new Option<string>("--output", "-o") { Description = "table or json.", DefaultValueFactory = _ => AuditOutput.Table };
        var restart = new Option<bool>("--restart-owners")
        {
            Description = "Rollout-restart the Deployments, StatefulSets and DaemonSets that own reported pods (never bare pods or Jobs).",
        };
        var config = CliOptions.Config();

        // Usage errors are checked here rather than by the parser, whose errors exit 1: for audit, 1 means
        // "findings", and a script must not mistake a typo for a cluster with escaped pods.
        var command = new Command("audit", "Find pods that run without their TLS sidecar, or with outdated sidecar settings.")
        {
            kubeconfig, ns, all, output, restart, config,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancel) =>
        {
            if (parse.UnmatchedTokens.Count > 0)
            {
                stderr.WriteLine($"error: unknown argument(s) {string.Join(" ", parse.UnmatchedTokens)}. Fix: see tls-injector audit --help.");
                return Task.FromResult(AuditExitCodes.Error);
            }

            if (parse.GetValue(ns) is not null && parse.GetValue(all))
            {
                stderr.WriteLine("error: --namespace and --all-namespaces exclude each other. Fix: give one of them.");
                return Task.FromResult(AuditExitCodes.Error);
            }

            return HandlerAsync(
                stdout,
                stderr,
                new AuditArguments(parse.GetValue(kubeconfig), parse.GetValue(ns), parse.GetRequiredValue(output), parse.GetValue(restart), parse.GetValue(config)),
                TimeProvider.System,
                cancel);
        });
        return command;
    }

    internal static async Task<int> HandlerAsync(TextWriter stdout, TextWriter stderr, AuditArguments args, TimeProvider time, CancellationToken cancellationToken)
    {
        if (args.Output is not (AuditOutput.Table or AuditOutput.Json))
        {
            stderr.WriteLine($"error: -o {args.Output} is not a format. Fix: use -o table or -o json.");
            return AuditExitCodes.Error;
        }

        InjectorOptions options;
        try
        {
            options = CliInput.ReadOptions(args.ConfigPath);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: --config {args.ConfigPath}: {ex.Message}");
            return AuditExitCodes.Error;
        }

        KubernetesClientConfiguration clientConfig;
        try
        {
            clientConfig = args.Kubeconfig is null
                ? KubernetesClientConfiguration.BuildDefaultConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(args.Kubeconfig);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException)
        {
            stderr.WriteLine($"error: cannot load the kubeconfig{(args.Kubeconfig is null ? string.Empty : $" {args.Kubeconfig}")}: {ex.Message}. Fix: pass --kubeconfig, or set KUBECONFIG.");
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

    private static async Task<int> AuditAsync(TextWriter stdout, TextWriter stderr, IKubernetes client, AuditArguments args, InjectorOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var inventory = new ClusterInventory(client);
        var namespaces = await inventory.ListNamespacesAsync(args.Namespace, cancellationToken);
        var pods = await inventory.ListPodsAsync(args.Namespace, cancellationToken);

        var resolver = new OwnerResolver(client);
        var findings = new List<AuditFinding>();
        foreach (var finding in PodAuditor.Audit(pods, namespaces, options))
        {
            findings.Add(await resolver.ResolveAsync(finding, cancellationToken));
        }

        var restarts = new List<RestartOutcome>();
        if (args.RestartOwners)
        {
            var restarter = new OwnerRestarter(client, time);
            foreach (var (ns, owner) in OwnerRestarter.Plan(findings))
            {
                restarts.Add(await restarter.RestartAsync(ns, owner, cancellationToken));
            }
        }

        if (args.Output == AuditOutput.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new AuditReport { PodsChecked = pods.Count, Findings = findings, Restarts = restarts }, Json));
        }
        else
        {
            AuditTable.Write(stdout, findings, pods.Count);
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

    private static void WriteRestarts(TextWriter stdout, List<AuditFinding> findings, List<RestartOutcome> restarts, bool restartOwners)
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
