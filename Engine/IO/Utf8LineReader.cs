using System.Text.Unicode;

namespace Engine.IO;

/// <summary>
/// Reads strict UTF-8 text line by line and knows where each line starts, so that a reader can name the exact
/// line and byte offset of a problem. StreamReader decodes whole buffers ahead of the line being parsed, so its
/// decoding errors cannot be placed.
/// </summary>
/// <remarks>
/// Lines end at '\n'; one '\r' before it is dropped (a lone '\r' stays in the line, where readers reject it as
/// white space). A line longer than <see cref="MaxLineBytes"/> is an error rather than an unbounded buffer.
/// </remarks>
internal sealed class Utf8LineReader : IDisposable
{
    /// <summary>Longest line accepted, in bytes.</summary>
    public const int MaxLineBytes = 1 << 24;

    private readonly Stream _stream;
    private readonly string _source;
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;
    private long _consumed;

    /// <summary>Opens <paramref name="path"/>, which also names the file in error messages.</summary>
    public Utf8LineReader(string path)
        : this(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), path)
    {
    }

    /// <summary>Reads <paramref name="stream"/> (disposed with this reader); <paramref name="source"/> names it in errors.</summary>
    public Utf8LineReader(Stream stream, string source)
    {
        _stream = stream;
        _source = source;
    }

    /// <summary>The 1-based number of the last line returned (0 before the first).</summary>
    public int LineNumber { get; private set; }

    /// <summary>The byte offset in the file where the last line returned starts.</summary>
    public long LineOffset { get; private set; }

    /// <summary>The next line without its line end, or null at the end of the file.</summary>
    /// <exception cref="InvalidDataException">The line is not valid UTF-8 or is too long; the message names the file, line and byte offset.</exception>
    public string? ReadLine()
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
                return Take(newline, newline + 1);
            if (_eof)
                return _end > _start ? Take(_end - _start, _end - _start) : null;
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                if (_buffer.Length >= MaxLineBytes)
                    throw new InvalidDataException(
                        $"{_source}:{LineNumber + 1}: byte offset {_consumed}: the line is longer than {MaxLineBytes} bytes.");
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
                _eof = true;
            _end += n;
        }
    }

    private string Take(int length, int advance)
    {
        var bytes = _buffer.AsSpan(_start, length);
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r')
            bytes = bytes[..^1];
        LineNumber++;
        LineOffset = _consumed;
        var chars = new char[bytes.Length];
        if (Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false)
            != System.Buffers.OperationStatus.Done)
            throw new InvalidDataException(
                $"{_source}:{LineNumber}: byte offset {LineOffset + read}: invalid UTF-8 (byte 0x{(read < bytes.Length ? bytes[read] : 0):X2}).");
        _start += advance;
        _consumed += advance;
        return new string(chars, 0, written);
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}
