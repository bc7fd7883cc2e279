using Injector.Testing;

namespace Injector.E2E.Support;

/// <summary>Where the kustomize manifests live in the repository.</summary>
internal static class ManifestPaths
{
    public static string Root => Path.Combine(RepositoryPaths.Root, "manifests");

    /// <summary>A kustomization directory, e.g. <c>overlays/self-signed</c>.</summary>
    public static string Of(string kustomization) => Path.Combine(Root, kustomization);
}
