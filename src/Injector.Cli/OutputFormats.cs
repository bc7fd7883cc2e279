namespace Injector.Cli;

/// <summary>The values of <c>-o</c>, named once: <see cref="Text"/> for people, the others for scripts.</summary>
internal static class OutputFormats
{
    public const string Text = "text";
    public const string Table = "table";
    public const string Json = "json";
    public const string Yaml = "yaml";
}
