namespace Injector.Core.Manifests;

/// <summary>A manifest that cannot be read. The message names the document number and the line.</summary>
public sealed class ManifestException : Exception
{
    public ManifestException(string message)
        : base(message)
    {
    }

    public ManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ManifestException()
    {
    }
}
