namespace Injector.Cli.Audit;

/// <summary>
/// What <c>audit</c> was asked to do. <paramref name="Namespace"/> is null for every namespace;
/// <paramref name="Kubeconfig"/> null means KUBECONFIG, ~/.kube/config, then in-cluster.
/// </summary>
internal sealed record AuditArguments(
    string? Kubeconfig,
    string? Namespace,
    string Output,
    bool RestartOwners,
    string? ConfigPath)
{
    /// <summary>The kubeconfig context; null for its current-context.</summary>
    public string? Context { get; init; }
}
