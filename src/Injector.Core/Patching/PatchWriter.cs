using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Injector.Core.Patching;

/// <summary>
/// Writes the operations of one diff as a UTF-8 JSON array, values serialized with their own contract. One writer
/// per thread is reused: a diff runs to completion on the thread that started it, and rebuilding the buffer and
/// the <see cref="Utf8JsonWriter"/> for every pod cost more than the diff.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "Cached for the thread's lifetime; a Utf8JsonWriter over an ArrayBufferWriter holds no unmanaged resource.")]
internal sealed class PatchWriter
{
    [ThreadStatic]
    private static PatchWriter? t_cached;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;
    private int _probing;

    /// <summary>Values are written with these options' contract for their type (see <see cref="Rent"/>).</summary>
    private JsonSerializerOptions? _valueOptions;

    // Values are escaped JSON-style (\") rather than HTML-safe (\u0022): the patch goes to the API server, never
    // into a web page, and is shorter and quicker to write.
    private PatchWriter() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public PointerBuilder Path { get; } = new();

    /// <summary>Operations written so far (or, while probing, differences found).</summary>
    public int Count { get; private set; }

    /// <summary>The calling thread's writer, emptied and with an open array.</summary>
    /// <param name="valueOptions">Options to write values with, when not those of the contracts the diff walks.</param>
    public static PatchWriter Rent(JsonSerializerOptions? valueOptions)
    {
        var writer = t_cached ?? new PatchWriter();
        writer._valueOptions = valueOptions;
        t_cached = null;
        writer._buffer.ResetWrittenCount();
        writer._json.Reset(writer._buffer);
        writer.Path.Clear();
        writer.Count = 0;
        writer._probing = 0;
        writer._json.WriteStartArray();
        return writer;
    }

    /// <summary>Closes the array, copies the patch out, and gives the writer back to the thread.</summary>
    public JsonPatch Finish()
    {
        _json.WriteEndArray();
        _json.Flush();
        var patch = Count == 0 ? JsonPatch.Empty : new JsonPatch(_buffer.WrittenSpan.ToArray(), Count);
        t_cached = this;
        return patch;
    }

    /// <summary>
    /// Runs <paramref name="compare"/> with output switched off and says whether it found any difference: list
    /// alignment needs to know whether two elements are equal before deciding which operations to write.
    /// </summary>
    public bool Differs<TState>(TState state, Action<TState, PatchWriter> compare)
    {
        var count = Count;
        _probing++;
        try
        {
            compare(state, this);
            return Count != count;
        }
        finally
        {
            _probing--;
            Count = count;
        }
    }

    public void Add(object? value, JsonTypeInfo contract) => Write("add", value, contract);

    public void Replace(object? value, JsonTypeInfo contract) => Write("replace", value, contract);

    public void Remove() => Write("remove", null, null);

    private void Write(string op, object? value, JsonTypeInfo? contract)
    {
        Count++;
        if (_probing > 0)
        {
            return;
        }

        _json.WriteStartObject();
        _json.WriteString("op"u8, op);
        _json.WriteString("path"u8, Path.Current);
        if (contract is not null)
        {
            _json.WritePropertyName("value"u8);
            var valueContract = _valueOptions is { } options && options != contract.Options ? options.GetTypeInfo(contract.Type) : contract;
            JsonSerializer.Serialize(_json, value, valueContract);
        }

        _json.WriteEndObject();
    }
}
