namespace Injector.Cli.Doctor;

/// <summary>
/// One thing the webhook's ServiceAccount must be allowed to do. <paramref name="Namespace"/> null means in
/// every namespace (a ClusterRole); <paramref name="Required"/> false means the webhook copes without it.
/// </summary>
internal sealed record WebhookPermission(string Group, string Resource, string Verb, string? Namespace, bool Required, string Why)
{
    public override string ToString()
        => $"{Verb} {(Group.Length == 0 ? Resource : $"{Resource}.{Group}")}{(Namespace is null ? " (all namespaces)" : $" in {Namespace}")}";
}
