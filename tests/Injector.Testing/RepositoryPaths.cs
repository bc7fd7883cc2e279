namespace Injector.Testing;

/// <summary>Finds files of the repository from a test's output directory.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Injector.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Injector.sln not found above {AppContext.BaseDirectory}. Hint: run the tests from inside the repository.");
    });

    /// <summary>The directory holding Injector.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>tests/fixtures: real AdmissionReview requests and API responses recorded from kube-apiserver.</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string Examples => Path.Combine(Root, "examples");
}
