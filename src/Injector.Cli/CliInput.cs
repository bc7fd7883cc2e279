using System.Text.Json;
using Injector.Core.Configuration;

namespace Injector.Cli;

/// <summary>Reading the CLI's inputs: manifests from a file or stdin, injector settings from <c>--config</c>.</summary>
internal static class CliInput
{
    private static readonly JsonSerializerOptions ConfigJson = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>
    /// The documents of <paramref name="path"/>, or of <paramref name="stdin"/> when the path is <c>-</c>, with every
    /// <c>kind: List</c> unwrapped into its items (<see cref="ManifestLists"/>).
    /// </summary>
    public static string ReadManifests(string path, TextReader stdin)
        => ManifestLists.Expand(path == "-" ? stdin.ReadToEnd() : File.ReadAllText(path));

    /// <summary>
    /// Injector settings from a JSON file shaped like the webhook's appsettings.json (an <c>Injector</c> section)
    /// or holding the section's content alone; defaults when no file is given.
    /// </summary>
    public static InjectorOptions ReadOptions(string? path)
    {
        if (path is null)
        {
            return new InjectorOptions();
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var section = document.RootElement.TryGetProperty(InjectorOptions.SectionName, out var nested) ? nested : document.RootElement;
        return section.Deserialize<InjectorOptions>(ConfigJson) ?? new InjectorOptions();
    }

    /// <summary><see cref="ReadOptions"/>, or null after one line on <paramref name="stderr"/> when the file cannot be read.</summary>
    public static InjectorOptions? ReadOptionsOrReport(string? path, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            return ReadOptions(path);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: --config {path}: {ex.Message}");
            return null;
        }
    }
}
