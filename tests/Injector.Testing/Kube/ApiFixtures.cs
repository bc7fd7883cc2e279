using System.Text.Json.Nodes;

namespace Injector.Testing.Kube;

/// <summary>
/// The recorded kube-apiserver responses in <c>tests/fixtures/api/</c> (see its README.md), found by walking up
/// from the test binary (or from <c>TLS_INJECTOR_FIXTURES</c>), so tests run the same from the IDE, <c>dotnet test</c> and CI.
/// </summary>
public static class ApiFixtures
{
    /// <summary>The API server versions recorded: each is a folder of <c>tests/fixtures/api/</c>.</summary>
    public static readonly IReadOnlyList<string> Versions = ["v1.19", "v1.28"];

    /// <summary>The repository's <c>tests/fixtures</c> directory.</summary>
    public static string FixturesRoot { get; } = FindFixturesRoot();

    /// <summary>The folder holding one version's recordings.</summary>
    public static string Directory(string version) => Path.Combine(FixturesRoot, "api", version);

    /// <summary>The text of one recorded file, e.g. <c>Read("v1.28", "version.json")</c>.</summary>
    public static string Read(string version, string fileName) => File.ReadAllText(Path.Combine(Directory(version), fileName));

    /// <summary>One recorded file parsed as a JSON object.</summary>
    public static JsonObject ReadObject(string version, string fileName)
        => JsonNode.Parse(Read(version, fileName))?.AsObject() ?? throw new InvalidDataException($"{fileName} of {version} is not a JSON object.");

    private static string FindFixturesRoot()
    {
        // Programs built outside the tree (bench/webhook/run.sh) name the directory instead.
        if (Environment.GetEnvironmentVariable("TLS_INJECTOR_FIXTURES") is { Length: > 0 } named)
        {
            return named;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (System.IO.Directory.Exists(Path.Combine(candidate, "api")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No tests/fixtures/api above {AppContext.BaseDirectory}. Hint: run the tests from a clone of the repository.");
    }
}
