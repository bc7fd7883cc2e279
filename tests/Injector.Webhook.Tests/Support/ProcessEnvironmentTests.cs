namespace Injector.Webhook.Tests.Support;

/// <summary>
/// Tests that change process environment variables (<c>KUBECONFIG</c>, <c>HOME</c>): they run alone, after the
/// parallel ones, so no other test sees the change.
/// </summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class ProcessEnvironmentTests
{
    public const string Collection = "process environment";
}
