namespace Injector.Cli.Doctor;

/// <summary>The names of doctor's checks, in the order they run; scripts read them from <c>-o json</c>.</summary>
internal static class DoctorChecks
{
    public const string KubernetesApi = "kubernetes-api";
    public const string WebhookDeployment = "webhook-deployment";
    public const string MutatingWebhookConfiguration = "mutating-webhook-configuration";
    public const string ValidatingWebhookConfiguration = "validating-webhook-configuration";
    public const string WebhookEndpoints = "webhook-endpoints";
    public const string CaBundle = "ca-bundle";
    public const string ServingCertificateExpiry = "serving-certificate-expiry";
    public const string WebhookRbac = "webhook-rbac";
    public const string OptedInNamespaces = "opted-in-namespaces";
    public const string Pods = "pods";
}
