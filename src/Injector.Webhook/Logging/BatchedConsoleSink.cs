using System.Buffers;
using System.Text;
using Serilog;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace Injector.Webhook.Logging;

/// <summary>
/// Writes log events to standard output in batches. The request thread formats its event at once into UTF-8 and
/// appends the bytes to a shared buffer (a short copy under a lock); a timer writes the buffer out every
/// <see cref="FlushInterval"/> with one flush. Nothing wakes per event, and no event object outlives its request:
/// queued <see cref="LogEvent"/>s (Serilog.Sinks.Async, Serilog's own batching) survived the young-generation
/// collections while they waited, and promoting them cost 30–50 µs of CPU per admission on 2 cores — more than
/// the rest of an ignored admission (docs/benchmarks/webhook.md). Disposing writes what is buffered, so the last
/// lines before an exit are not lost.
/// </summary>
internal sealed class BatchedConsoleSink : ILogEventSink, IDisposable
{
    /// <summary>How long a line may wait for its batch; short enough that <c>kubectl logs -f</c> looks live.</summary>
    internal static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Bytes waiting to be written; beyond this, events are dropped (seconds of a busy webhook) rather than stall admissions.</summary>
    internal const int BufferLimit = 16 * 1024 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    [ThreadStatic]
    private static StringWriter? t_text;

    private readonly ITextFormatter _formatter;
    private readonly Stream _output;
    private readonly int _bufferLimit;
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private readonly Encoder _encoder = Utf8.GetEncoder(); // used under _gate
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _writing = new(64 * 1024);
    private long _dropped;

    public BatchedConsoleSink(ITextFormatter formatter, Stream output, int bufferLimit = BufferLimit, TimeSpan? flushInterval = null)
    {
        _formatter = formatter;
        _output = output;
        _bufferLimit = bufferLimit;
        _timer = new PeriodicTimer(flushInterval ?? FlushInterval);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Events dropped because the buffer was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Emit(LogEvent logEvent)
    {
        var text = t_text ??= new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var line = text.GetStringBuilder().Clear();
        _formatter.Format(logEvent, text);
        lock (_gate)
        {
            if (_pending.WrittenCount + Utf8.GetMaxByteCount(line.Length) > _bufferLimit)
            {
                _dropped++;
                return;
            }

            // One encoder across the chunks: a chunk may end between the two halves of a surrogate pair.
            foreach (var chunk in line.GetChunks())
            {
                _encoder.Convert(chunk.Span, _pending, flush: false, out _, out _);
            }

            _encoder.Convert(ReadOnlySpan<char>.Empty, _pending, flush: true, out _, out _);
        }
    }

    public void Dispose()
    {
        _timer.Dispose(); // ends the loop, which writes what is left
        _loop.GetAwaiter().GetResult();
    }

    private async Task RunAsync()
    {
        long reported = 0;
        while (await _timer.WaitForNextTickAsync())
        {
            reported = Write(reported);
        }

        Write(reported);
    }

    /// <summary>Writes what is buffered, and a warning when events were dropped since the last one.</summary>
    private long Write(long reported)
    {
        long dropped;
        lock (_gate)
        {
            (_pending, _writing) = (_writing, _pending);
            dropped = _dropped;
        }

        try
        {
            if (dropped > reported)
            {
                using var warning = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
                _formatter.Format(DroppedWarning(dropped - reported), warning);
                Utf8.GetBytes(warning.ToString(), _writing);
            }

            if (_writing.WrittenCount > 0)
            {
                _output.Write(_writing.WrittenSpan);
                _output.Flush();
            }
        }
        catch (IOException)
        {
            // stdout is gone (the container runtime closed it): nothing to write to, and nothing to tell.
        }

        _writing.ResetWrittenCount();
        return dropped;
    }

    private static LogEvent DroppedWarning(long count)
        => new(DateTimeOffset.UtcNow, LogEventLevel.Warning, null,
            new MessageTemplateParser().Parse("{DroppedLogEvents} log events were dropped: stdout did not keep up"),
            [new LogEventProperty("DroppedLogEvents", new ScalarValue(count))]);
}

/// <summary>Registers <see cref="BatchedConsoleSink"/>.</summary>
internal static class BatchedConsoleSinkExtensions
{
    public static LoggerConfiguration BatchedConsole(this LoggerSinkConfiguration sinks, ITextFormatter formatter, Stream? output = null)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        return sinks.Sink(new BatchedConsoleSink(formatter, output ?? Console.OpenStandardOutput()));
    }
}
