using System.CommandLine;

namespace Injector.Cli;

/// <summary>Options several commands share, defined once.</summary>
internal static class CliOptions
{
    public static Option<string> File() => new("--filename", "-f")
    {
        Description = "Manifest file to read (multi-document YAML, or a kind: List as kubectl get -o yaml prints), or - for standard input.",
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

    public static Option<string?> Kubeconfig() => new("--kubeconfig")
    {
        Description = "Kubeconfig to use (default: KUBECONFIG, ~/.kube/config, then in-cluster).",
    };

    public static Option<string?> Context() => new("--context")
    {
        Description = "Kubeconfig context to use (default: its current-context).",
    };

    /// <summary><c>-o</c> accepting only <paramref name="formats"/>; the first is the default. Anything else is a parse error.</summary>
    public static Option<string> Output(params string[] formats)
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = $"Output format: {string.Join(", ", formats)} (default {formats[0]}).",
            DefaultValueFactory = _ => formats[0],
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }
}
