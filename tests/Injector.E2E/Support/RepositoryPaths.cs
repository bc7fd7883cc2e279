namespace Injector.E2E.Support;

/// <summary>Paths inside the repository, found by walking up from the test binary to <c>Injector.sln</c>.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootValue = new(FindRoot);

    public static string Root => RootValue.Value;

    public static string Manifests => Path.Combine(Root, "manifests");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Injector.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Injector.sln above {AppContext.BaseDirectory}. Run the tests from a clone of the repository.");
    }
}
