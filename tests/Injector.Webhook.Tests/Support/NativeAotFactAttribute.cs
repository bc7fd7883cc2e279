namespace Injector.Webhook.Tests.Support;

/// <summary>
/// A test of the NativeAOT binary. Skipped with a reason when it has not been published, except under CI
/// (<c>CI=true</c>), where a missing binary fails the test instead: the shipped build must never go untested there.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class NativeAotFactAttribute : FactAttribute
{
    public NativeAotFactAttribute()
    {
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!File.Exists(WebhookBuild.NativeAotPath) && !inCi)
        {
            Skip = $"no NativeAOT webhook at {WebhookBuild.NativeAotPath}: run `make webhook-aot` (make test does), or set {WebhookBuild.NativeAotVariable}";
        }
    }
}
