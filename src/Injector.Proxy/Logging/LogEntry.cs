using System.Buffers;
using System.Text.Json;

namespace Injector.Proxy.Logging;

/// <summary>One log line being built; a default instance (level off) ignores every call.</summary>
internal readonly ref struct LogEntry
{
    private readonly ProxyLogger? _logger;
    private readonly Utf8JsonWriter? _writer;
    private readonly ArrayBufferWriter<byte>? _buffer;

    internal LogEntry(ProxyLogger logger, Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer)
    {
        _logger = logger;
        _writer = writer;
        _buffer = buffer;
    }

    public bool IsEnabled => _writer is not null;

    public LogEntry Add(string name, string? value)
    {
        if (_writer is not null)
        {
            if (value is null)
            {
                _writer.WriteNull(name);
            }
            else
            {
                _writer.WriteString(name, value);
            }
        }

        return this;
    }

    public LogEntry Add(string name, long value)
    {
        _writer?.WriteNumber(name, value);
        return this;
    }

    public LogEntry Add(string name, double value)
    {
        _writer?.WriteNumber(name, Math.Round(value, 3));
        return this;
    }

    public LogEntry Add(string name, bool value)
    {
        _writer?.WriteBoolean(name, value);
        return this;
    }

    public LogEntry Add(string name, IEnumerable<string> values)
    {
        if (_writer is not null)
        {
            _writer.WriteStartArray(name);
            foreach (var value in values)
            {
                _writer.WriteStringValue(value);
            }

            _writer.WriteEndArray();
        }

        return this;
    }

    /// <summary>Adds the exception's type and message (never its stack: one line per event).</summary>
    public LogEntry Add(Exception? exception)
    {
        if (_writer is not null && exception is not null)
        {
            _writer.WriteString("@x", Describe(exception));
        }

        return this;
    }

    public void Write()
    {
        if (_logger is not null && _writer is not null && _buffer is not null)
        {
            _logger.Flush(_writer, _buffer);
        }
    }

    /// <summary>Type and message, plus the innermost message: SslStream wraps the OpenSSL reason levels down.</summary>
    internal static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner == exception
            ? $"{exception.GetType().Name}: {exception.Message}"
            : $"{exception.GetType().Name}: {exception.Message} ({inner.GetType().Name}: {inner.Message})";
    }
}
