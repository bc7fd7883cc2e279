namespace Injector.Webhook.Admission;

/// <summary>A kind with its API group (empty for the core group) and version; read by <see cref="AdmissionRequestConverter"/>.</summary>
public sealed record GroupVersionKind
{
    public string? Group { get; init; }

    public string? Version { get; init; }

    public string? Kind { get; init; }
}
