using k8s.Models;

namespace Injector.Cli.Doctor;

/// <summary>One webhook of a Mutating- or ValidatingWebhookConfiguration, named as messages show it.</summary>
internal sealed record WebhookEntry(string Configuration, string Name, Admissionregistrationv1WebhookClientConfig ClientConfig)
{
    public override string ToString() => $"{Configuration} webhook {Name}";
}
