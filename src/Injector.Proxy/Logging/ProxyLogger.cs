using System.Buffers;
using System.Text.Json;

namespace Injector.Proxy.Logging;

/// <summary>
/// Writes one compact JSON object per line (CLEF: <c>@t</c>, <c>@l</c>, <c>@m</c>, then PascalCase properties), the
/// format the webhook's Serilog <c>RenderedCompactJsonFormatter</c> writes, so one log pipeline reads both.
/// Hand-written on <see cref="Utf8JsonWriter"/> because it is reflection-free under NativeAOT and allocates nothing
/// per line beyond a per-thread buffer; Serilog would add its sinks and formatters to a binary whose size and
/// memory are the product's cost in every pod.
/// </summary>
internal sealed class ProxyLogger
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly Stream _output;
    private readonly Lock _outputLock = new();
    private readonly TimeProvider _time;

    public ProxyLogger(Stream output, LogLevel minimum, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        Minimum = minimum;
        _time = time ?? TimeProvider.System;
    }

    public LogLevel Minimum { get; }

    /// <summary>A logger that writes nothing.</summary>
    public static ProxyLogger Null { get; } = new(Stream.Null, LogLevel.Fatal + 1);

    public bool IsEnabled(LogLevel level) => level >= Minimum;

    /// <summary>Parses a <c>TLS_PROXY_LOG_LEVEL</c> value already checked by <c>ProxySettings.Parse</c>.</summary>
    public static LogLevel ParseLevel(string text)
        => Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) ? level : LogLevel.Information;

    /// <summary>
    /// Starts a line. Add properties to the returned entry and call <see cref="LogEntry.Write"/>; when the level is
    /// off the entry is inert and costs nothing.
    /// </summary>
    public LogEntry Begin(LogLevel level, string eventName, string message)
    {
        if (!IsEnabled(level))
        {
            return default;
        }

        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("@t", _time.GetUtcNow().UtcDateTime);
        writer.WriteString("@l", LevelName(level));
        writer.WriteString("@m", message);
        writer.WriteString("Event", eventName);
        return new LogEntry(this, writer, buffer);
    }

    internal void Flush(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer)
    {
        writer.WriteEndObject();
        writer.Flush();
        buffer.Write("\n"u8);
        lock (_outputLock)
        {
            try
            {
                _output.Write(buffer.WrittenSpan);
                _output.Flush();
            }
            catch (IOException)
            {
                // stdout closed (the container runtime's log pipe went away): nothing left to tell anyone.
            }
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Verbose => "Verbose",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        _ => "Fatal",
    };
}
