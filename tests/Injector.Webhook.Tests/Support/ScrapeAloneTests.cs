namespace Injector.Webhook.Tests.Support;

/// <summary>
/// Tests that read <c>/metrics</c>: OpenTelemetry's exporter collects every meter of its name in the process, so a
/// host running in parallel would add to the counts. They run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class ScrapeAloneTests
{
    public const string Collection = "scrape alone";
}
