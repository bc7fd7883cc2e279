using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Injector.Webhook.Tests.Support;

/// <summary>Keeps every Serilog event, so tests assert on properties rather than on rendered text.</summary>
internal sealed class CollectingSink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>The scalar value of a property, as text; null when absent.</summary>
    public static string? Property(LogEvent e, string name)
        => e.Properties.TryGetValue(name, out var value) ? value is ScalarValue { Value: var v } ? v?.ToString() : value.ToString() : null;
}
