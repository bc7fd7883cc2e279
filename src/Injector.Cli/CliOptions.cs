using System.CommandLine;

namespace Injector.Cli;

/// <summary>Options several commands share, defined once.</summary>
internal static class CliOptions
{
    public static Option<string> File() => new("--filename", "-f")
    {
        Description = "Manifest file to read (multi-document YAML), or - for standard input.",
        Required = true,
    };

    public static Option<string?> Config() => new("--config")
    {
        Description = "Injector settings as JSON (the webhook's appsettings.json, or its Injector section).",
    };

    public static Option<string> Namespace() => new("--namespace", "-n")
    {
        Description = "Namespace of objects that name none.",
        DefaultValueFactory = _ => "default",
    };
}
