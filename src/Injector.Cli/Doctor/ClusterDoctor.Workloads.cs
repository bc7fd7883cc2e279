using Injector.Cli.Commands;
using Injector.Core.Audit;
using Injector.Core.Contract;
using k8s;

namespace Injector.Cli.Doctor;

// What the webhook serves: the namespaces that opted in, and pods that escaped injection or run stale sidecars.
internal sealed partial class ClusterDoctor
{
    /// <summary>How many pods a message names before it says "and N more"; <c>audit</c> lists them all.</summary>
    private const int NamedPods = 5;

    private async Task<DoctorCheck> CheckNamespacesAsync(string name, CancellationToken cancellationToken)
    {
        var namespaces = await client.CoreV1.ListNamespaceAsync(labelSelector: $"{ContractNames.NamespaceInjectionLabel}={ContractNames.Enabled}", cancellationToken: cancellationToken);
        var names = namespaces.Items.Select(n => n.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        return DoctorCheck.Pass(name, names.Count == 0
            ? $"no namespace is labelled {ContractNames.NamespaceInjectionLabel}={ContractNames.Enabled}; pods can still opt in with the label {ContractNames.PodInjectLabel}={ContractNames.True}."
            : $"{names.Count} namespace(s) labelled {ContractNames.NamespaceInjectionLabel}={ContractNames.Enabled}: {string.Join(", ", names)}.");
    }

    private async Task<DoctorCheck> CheckPodsAsync(string name, CancellationToken cancellationToken)
    {
        var (findings, podsChecked) = await AuditCommand.FindAsync(client, namespaceName: null, options, cancellationToken);
        if (findings.Count == 0)
        {
            return DoctorCheck.Pass(name, $"no escaped, stale or invalid pods among {podsChecked} pod(s).");
        }

        int Count(AuditProblem problem) => findings.Count(f => f.Problem == problem);
        var named = string.Join(", ", findings.Take(NamedPods).Select(f => $"{f.Namespace}/{f.Pod} ({f.Problem.ToString().ToLowerInvariant()})"));
        var more = findings.Count > NamedPods ? $" and {findings.Count - NamedPods} more" : string.Empty;
        var message = $"{Count(AuditProblem.Escaped)} escaped, {Count(AuditProblem.Stale)} stale, {Count(AuditProblem.Invalid)} invalid among {podsChecked} pod(s): {named}{more}.";
        const string Fix = "tls-injector audit lists each pod with its owner and fix; tls-injector audit --restart-owners rolls the workloads it can.";
        return Count(AuditProblem.Escaped) + Count(AuditProblem.Invalid) > 0 ? DoctorCheck.Fail(name, message, Fix) : DoctorCheck.Warn(name, message, Fix);
    }
}
