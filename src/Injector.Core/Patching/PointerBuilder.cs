using System.Globalization;

namespace Injector.Core.Patching;

/// <summary>
/// The JSON Pointer (RFC 6901) of the node being compared, kept in one reusable character buffer: segments are
/// escaped as they are pushed and popped by truncation, so walking a pod allocates nothing for paths.
/// </summary>
internal sealed class PointerBuilder
{
    private readonly List<int> _marks = [];
    private char[] _buffer = new char[128];
    private int _length;

    /// <summary>The pointer of the current node; empty for the document root.</summary>
    public ReadOnlySpan<char> Current => _buffer.AsSpan(0, _length);

    /// <summary>Descends into an object member, escaping <c>~</c> as <c>~0</c> and <c>/</c> as <c>~1</c>.</summary>
    public void Push(string key)
    {
        _marks.Add(_length);
        Append('/');
        foreach (var c in key)
        {
            switch (c)
            {
                case '~':
                    Append('~');
                    Append('0');
                    break;
                case '/':
                    Append('~');
                    Append('1');
                    break;
                default:
                    Append(c);
                    break;
            }
        }
    }

    /// <summary>Descends into an array element.</summary>
    public void Push(int index)
    {
        _marks.Add(_length);
        Append('/');
        int written;
        while (!index.TryFormat(_buffer.AsSpan(_length), out written, provider: CultureInfo.InvariantCulture))
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        _length += written;
    }

    public void Pop()
    {
        _length = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
    }

    public void Clear()
    {
        _length = 0;
        _marks.Clear();
    }

    public override string ToString() => Current.ToString();

    private void Append(char c)
    {
        if (_length == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        _buffer[_length++] = c;
    }
}
