using Injector.Testing;

namespace Injector.Webhook.Tests.Support;

/// <summary>
/// A build of the webhook to run as its own process: the JIT build the other tests load in-process, or the NativeAOT
/// binary the image ships (<c>make webhook-aot</c>; <c>TLS_INJECTOR_WEBHOOK_AOT</c> names another one).
/// </summary>
internal sealed record WebhookBuild(string Name, string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    public const string NativeAotVariable = "TLS_INJECTOR_WEBHOOK_AOT";

    /// <summary>The webhook assembly next to this test assembly, run by <c>dotnet</c>.</summary>
    public static WebhookBuild Jit { get; } = new(
        "JIT",
        "dotnet",
        [Path.Combine(AppContext.BaseDirectory, "Injector.Webhook.dll")],
        Path.Combine(RepositoryPaths.Root, "src", "Injector.Webhook"));

    public static string NativeAotPath
        => Environment.GetEnvironmentVariable(NativeAotVariable) is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : Path.Combine(RepositoryPaths.Root, "artifacts", "webhook-aot", "Injector.Webhook");

    public static WebhookBuild NativeAot { get; } = new("NativeAOT", NativeAotPath, [], Path.GetDirectoryName(NativeAotPath)!);

    public override string ToString() => Name;
}
