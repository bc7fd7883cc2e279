namespace Injector.Cli.Audit;

/// <summary>An audit that cannot go on; the message names the cause and the fix, and the command exits 2.</summary>
internal sealed class AuditException : Exception
{
    public AuditException(string message)
        : base(message)
    {
    }

    public AuditException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AuditException()
    {
    }
}
