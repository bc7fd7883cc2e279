using System.Text;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Injector.Webhook.Logging;

/// <summary>
/// Writes log events to standard output in batches, through Serilog's own batching (<see cref="IBatchedLogEventSink"/>):
/// request threads only enqueue, and one background task formats whatever has queued up and writes it with one
/// flush. The console sink behind Serilog.Sinks.Async did a write and a flush per event, and its consumer spun on a
/// semaphore between events: on 2 cores that was a fifth of the webhook's CPU under load
/// (docs/benchmarks/webhook.md, run of 2026-11-23 15:00).
/// </summary>
internal sealed class BatchedConsoleSink(ITextFormatter formatter, Stream output) : IBatchedLogEventSink, IDisposable
{
    /// <summary>How long an event may wait for its batch; short enough that <c>kubectl logs -f</c> looks live.</summary>
    internal static readonly TimeSpan BufferingTimeLimit = TimeSpan.FromMilliseconds(100);

    /// <summary>Events waiting to be written; beyond this they are dropped (about 10 s of a busy webhook) rather than stall admissions.</summary>
    internal const int QueueLimit = 50_000;

    // No BOM, and a buffer large enough that a typical batch reaches the stream in one write.
    private readonly StreamWriter writer = new(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024);

    public async Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var logEvent in batch)
        {
            formatter.Format(logEvent, writer);
        }

        await writer.FlushAsync();
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    public void Dispose() => writer.Dispose();
}

/// <summary>Registers <see cref="BatchedConsoleSink"/> with the batching it is meant for.</summary>
internal static class BatchedConsoleSinkExtensions
{
    public static LoggerConfiguration BatchedConsole(this LoggerSinkConfiguration sinks, ITextFormatter formatter, Stream? output = null)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return sinks.Sink(
            new BatchedConsoleSink(formatter, output ?? Console.OpenStandardOutput()),
            new BatchingOptions
            {
                BufferingTimeLimit = BatchedConsoleSink.BufferingTimeLimit,
                QueueLimit = BatchedConsoleSink.QueueLimit,
                EagerlyEmitFirstEvent = true,
            });
    }
}
