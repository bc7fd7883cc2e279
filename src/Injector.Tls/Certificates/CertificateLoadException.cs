namespace Injector.Tls.Certificates;

/// <summary>A certificate or key file that is missing, unreadable or does not parse. The message names the file and the fix.</summary>
public sealed class CertificateLoadException : Exception
{
    public CertificateLoadException(string message)
        : base(message)
    {
    }

    public CertificateLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CertificateLoadException()
    {
    }
}
