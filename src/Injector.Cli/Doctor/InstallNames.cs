namespace Injector.Cli.Doctor;

/// <summary>The names <c>manifests/base</c> gives the installed webhook's objects, which doctor and version read.</summary>
internal static class InstallNames
{
    /// <summary>Both the MutatingWebhookConfiguration and the ValidatingWebhookConfiguration.</summary>
    public const string WebhookConfiguration = "tls-injector";

    public const string Deployment = "tls-injector-webhook";

    public const string Container = "webhook";

    /// <summary>Used when the Deployment cannot be read to learn its serviceAccountName.</summary>
    public const string ServiceAccount = "tls-injector";

    public const string VersionLabel = "app.kubernetes.io/version";

    /// <summary>The label every EndpointSlice carries with the name of its Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>The webhook's setting, as the environment variable the ConfigMap sets (<c>Section__Key</c>).</summary>
    public const string SidecarModeVariable = "Injector__SidecarMode";
}
