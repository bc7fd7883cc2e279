namespace Injector.Webhook.Admission;

/// <summary>A resource (the plural path segment) with its API group and version; read by <see cref="AdmissionRequestConverter"/>.</summary>
public sealed record GroupVersionResource
{
    public string? Group { get; init; }

    public string? Version { get; init; }

    public string? Resource { get; init; }
}
