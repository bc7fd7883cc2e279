namespace Injector.Testing.Kube;

/// <summary>How a <see cref="FakeKubeApiServer"/> behaves.</summary>
public sealed record FakeKubeApiOptions
{
    /// <summary>Which recording of <c>tests/fixtures/api/</c> to serve: <c>v1.19</c> or <c>v1.28</c> (default).</summary>
    public string Version { get; init; } = "v1.28";

    /// <summary>When set, open watches that asked for bookmarks get one this often. Default: only on <see cref="FakeKubeApiServer.SendBookmarks"/>.</summary>
    public TimeSpan? BookmarkInterval { get; init; }

    /// <summary>How many events are kept for watch replay; older resourceVersions get 410 Gone. Default 10,000.</summary>
    public int MaxRetainedEvents { get; init; } = 10_000;
}
