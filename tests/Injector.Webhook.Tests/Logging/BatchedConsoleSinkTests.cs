using System.Text;
using System.Text.Json;
using Injector.Webhook.Logging;
using Injector.Webhook.Tests.Support;
using Serilog;
using Serilog.Formatting.Compact;

namespace Injector.Webhook.Tests.Logging;

/// <summary>The webhook's log output: every event, one compact-JSON line each, written in batches, live.</summary>
public sealed class BatchedConsoleSinkTests
{
    [Fact]
    public void WritesEveryEvent_AsOneJsonLine_InOrder_InFewWrites()
    {
        var output = new RecordingStream();
        const int events = 2_000;
        using (var logger = new LoggerConfiguration().WriteTo.BatchedConsole(new RenderedCompactJsonFormatter(), output).CreateLogger())
        {
            for (var i = 0; i < events; i++)
            {
                logger.Information("admission {Index} of {Uid}", i, "705ab4f5-6393-11e8-b7cc-42010a800002");
            }
        }

        var lines = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(events, lines.Length);
        for (var i = 0; i < events; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            Assert.Equal(i, line.RootElement.GetProperty("Index").GetInt32());
            Assert.Equal($"admission {i} of \"705ab4f5-6393-11e8-b7cc-42010a800002\"", line.RootElement.GetProperty("@m").GetString());
        }

        // Batched: one write per event was what cost the CPU. Even a slow machine fits many events in a 100 ms batch.
        Assert.True(output.Writes < events / 10, $"{output.Writes} writes for {events} events");
        Assert.NotEqual(0xEF, output.FirstByte);
    }

    [Fact]
    public void KeepsCharactersOutsideTheBasicPlane_WhereverTheTextIsSplit()
    {
        // Thousands of short writes into the formatter's StringBuilder: its 8,000-char chunks end wherever a write
        // overflows them, so some end between the two halves of a surrogate pair.
        string[] names = [.. Enumerable.Range(0, 5_000).Select(i => $"\U0001F510{i % 7}")];
        var output = new RecordingStream();
        using (var logger = new LoggerConfiguration().WriteTo.BatchedConsole(new RenderedCompactJsonFormatter(), output).CreateLogger())
        {
            logger.Warning("keys {Names}", names);
        }

        using var line = JsonDocument.Parse(output.Text);
        Assert.Equal(names, line.RootElement.GetProperty("Names").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task WritesAnEvent_WithoutWaitingForMoreOrForDisposal()
    {
        var output = new RecordingStream();
        using var logger = new LoggerConfiguration().WriteTo.BatchedConsole(new RenderedCompactJsonFormatter(), output).CreateLogger();
        logger.Information("first");
        await Eventually.WaitAsync(() => output.Text.Contains("\"first\"", StringComparison.Ordinal), "the first event");

        logger.Warning("second, alone in its batch");
        await Eventually.WaitAsync(() => output.Text.Contains("second, alone", StringComparison.Ordinal), "a later event on its own");
    }

    [Fact]
    public void DropsEventsBeyondTheBufferLimit_KeepsTheEarlierOnes_AndSaysHowMany()
    {
        var output = new RecordingStream();
        long dropped;
        using (var sink = new BatchedConsoleSink(new RenderedCompactJsonFormatter(), output, bufferLimit: 64 * 1024, flushInterval: TimeSpan.FromHours(1)))
        using (var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger())
        {
            for (var i = 0; i < 1_000; i++)
            {
                logger.Information("event {Index} {Padding}", i, new string('x', 100));
            }

            dropped = sink.Dropped;
        }

        Assert.InRange(dropped, 1, 999);
        var lines = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1_000 - dropped + 1, lines.Length);
        for (var i = 0; i < lines.Length - 1; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            Assert.Equal(i, line.RootElement.GetProperty("Index").GetInt32());
        }

        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal("Warning", last.RootElement.GetProperty("@l").GetString());
        Assert.Equal(dropped, last.RootElement.GetProperty("DroppedLogEvents").GetInt64());
    }

    /// <summary>A stream that keeps what is written and counts the writes; read from the test while the sink writes.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _bytes = new();

        public int Writes { get; private set; }

        public int FirstByte
        {
            get
            {
                lock (_bytes)
                {
                    return _bytes.Length == 0 ? -1 : _bytes.GetBuffer()[0];
                }
            }
        }

        public string Text
        {
            get
            {
                lock (_bytes)
                {
                    return Encoding.UTF8.GetString(_bytes.GetBuffer(), 0, (int)_bytes.Length);
                }
            }
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_bytes)
            {
                Writes++;
                _bytes.Write(buffer);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
