using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Injector.Proxy.Tests.Support;

/// <summary>A stream the proxy logs into; tests read the lines back as JSON and assert on properties, not text.</summary>
internal sealed class LogSink : Stream
{
    private readonly ConcurrentQueue<JsonElement> _events = new();
    private readonly Lock _lock = new();
    private readonly MemoryStream _pending = new();

    public IReadOnlyList<JsonElement> Events => _events.ToArray();

    public IEnumerable<JsonElement> OfEvent(string name) => Events.Where(e => e.GetProperty("Event").GetString() == name);

    /// <summary>Waits until an event satisfying <paramref name="match"/> was logged.</summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool>? match = null, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            var found = OfEvent(name).Where(e => match?.Invoke(e) ?? true).ToList();
            if (found.Count > 0)
            {
                return found[0];
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no '{name}' event within {timeoutMs} ms; got: {string.Join('\n', Events.Select(e => e.ToString()))}");
    }

    /// <summary>Waits until at least <paramref name="count"/> events named <paramref name="name"/> were logged.</summary>
    public async Task WaitForCountAsync(string name, int count, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (OfEvent(name).Count() < count)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"fewer than {count} '{name}' events within {timeoutMs} ms");
            }

            await Task.Delay(20);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_lock)
        {
            _pending.Write(buffer);
            var bytes = _pending.ToArray();
            var start = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    var line = Encoding.UTF8.GetString(bytes, start, i - start);
                    using var document = JsonDocument.Parse(line);
                    _events.Enqueue(document.RootElement.Clone());
                    start = i + 1;
                }
            }

            _pending.SetLength(0);
            _pending.Write(bytes, start, bytes.Length - start);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
