namespace Injector.Cli.Audit;

/// <summary>The <c>-o</c> formats of <c>audit</c>.</summary>
internal static class AuditOutput
{
    public const string Table = "table";
    public const string Json = "json";
}
