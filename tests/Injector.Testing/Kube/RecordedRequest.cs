namespace Injector.Testing.Kube;

/// <summary>One request the fake API server answered, so tests can assert what a client asked (and did not ask).</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? ContentType, string? Body, int StatusCode)
{
    /// <summary>True for a <c>?watch=1</c> or <c>?watch=true</c> request.</summary>
    public bool IsWatch => Query.Contains("watch=1", StringComparison.Ordinal) || Query.Contains("watch=true", StringComparison.Ordinal);
}
