namespace Injector.Cli.Doctor;

/// <summary>
/// What <c>doctor</c> was asked to do. <paramref name="Namespace"/> null means the injector settings'
/// InjectorNamespace; <paramref name="WebhookUrl"/> is where to reach the webhook's TLS port when doctor runs
/// outside the cluster (after <c>kubectl port-forward</c>).
/// </summary>
internal sealed record DoctorArguments(
    string? Kubeconfig,
    string? Context,
    string? Namespace,
    Uri? WebhookUrl,
    string Output,
    string? ConfigPath)
{
    /// <summary>True when doctor runs in a pod, where the Service's DNS name resolves.</summary>
    public bool InCluster { get; init; }
}
