using System.Globalization;

namespace Engine.Data;

/// <summary>
/// The line parser behind <see cref="Kdd99.Read(Stream, string)"/>: works on byte spans of a reused 1 MiB
/// buffer, parses plain decimals by hand and looks names up without allocating a string per field.
/// </summary>
internal sealed class Kdd99Parser
{
    private const int BufferSize = 1 << 20;
    private const int FieldCount = Kdd99.FeatureColumnCount + 1;
    private const int MaxNameLength = 256;
    private static readonly double[] PowersOfTen = BuildPowersOfTen();

    private readonly string _name;
    private readonly SymbolTable _protocols = new();
    private readonly SymbolTable _services = new();
    private readonly SymbolTable _flags = new();
    private readonly SymbolTable _labels = new();
    private readonly List<KddCategory> _labelCategories = [];
    private float[] _numeric = new float[4096 * Kdd99.NumericColumnCount];
    private int[] _protocol = new int[4096];
    private int[] _service = new int[4096];
    private int[] _flag = new int[4096];
    private int[] _label = new int[4096];
    private int _count;

    public Kdd99Parser(string name) => _name = name;

    /// <summary>Lines read so far (1-based number of the last line seen).</summary>
    public long LineNumber { get; private set; }

    public Kdd99Data Parse(Stream input)
    {
        var buffer = new byte[BufferSize];
        int filled = 0;
        while (true)
        {
            int n = input.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
            {
                if (filled > 0)
                    AddLine(buffer.AsSpan(0, filled));
                break;
            }
            filled += n;
            var pending = buffer.AsSpan(0, filled);
            int newline;
            while ((newline = pending.IndexOf((byte)'\n')) >= 0)
            {
                AddLine(pending[..newline]);
                pending = pending[(newline + 1)..];
            }
            if (pending.Length == buffer.Length)
                throw Error(LineNumber + 1, $"the line is longer than {BufferSize} bytes");
            // keep the incomplete last line at the front of the buffer
            pending.CopyTo(buffer);
            filled = pending.Length;
        }
        return Build();
    }

    private void AddLine(ReadOnlySpan<byte> line)
    {
        long lineNumber = ++LineNumber;
        if (line.Length > 0 && line[^1] == (byte)'\r')
            line = line[..^1];
        EnsureCapacity();

        // one pass over the line: each field parser stops at its comma and moves the cursor past it
        var numeric = _numeric.AsSpan(_count * Kdd99.NumericColumnCount, Kdd99.NumericColumnCount);
        int cursor = 0;
        int numericColumn = 0;
        for (int column = 0; column < Kdd99.FeatureColumnCount; column++)
        {
            if (!Kdd99.IsSymbolic(column))
            {
                numeric[numericColumn++] = ParseNumber(line, ref cursor, lineNumber, column);
                continue;
            }
            var field = NextField(line, ref cursor, lineNumber);
            var table = column switch { 1 => _protocols, 2 => _services, _ => _flags };
            int code = Lookup(table, field, lineNumber, column);
            (column switch { 1 => _protocol, 2 => _service, _ => _flag })[_count] = code;
        }

        // the label is the rest of the line; KDD writes it with a trailing period ("normal.")
        var label = line[cursor..];
        if (label.Contains((byte)','))
            throw FieldCountError(line, lineNumber);
        // A label without its period is a line cut short (the last line of a truncated file), not a new class.
        if (label.IsEmpty)
            throw Error(lineNumber, $"column {FieldCount} (label) is empty");
        if (label[^1] != (byte)'.')
            throw Error(lineNumber, $"column {FieldCount} (label) is \"{Show(label)}\" without the final '.' that KDD writes " +
                "after every label; the line is cut short or the file is not KDD Cup 1999 data");
        label = label[..^1];
        int labelCode = Lookup(_labels, label, lineNumber, Kdd99.FeatureColumnCount);
        if (labelCode == _labelCategories.Count)
            _labelCategories.Add(Kdd99.CategoryOf(_labels.Names[labelCode]));
        _label[_count] = labelCode;
        _count++;
    }

    private ReadOnlySpan<byte> NextField(ReadOnlySpan<byte> line, ref int cursor, long lineNumber)
    {
        int comma = line[cursor..].IndexOf((byte)',');
        if (comma < 0)
            throw FieldCountError(line, lineNumber);
        var field = line.Slice(cursor, comma);
        cursor += comma + 1;
        return field;
    }

    private FormatException FieldCountError(ReadOnlySpan<byte> line, long lineNumber) =>
        Error(lineNumber, $"expected {FieldCount} comma-separated fields (41 features and a label), "
            + $"found {line.Count((byte)',') + 1}");

    private float ParseNumber(ReadOnlySpan<byte> line, ref int cursor, long lineNumber, int column)
    {
        // fast path: digits, optionally '.' and more digits, then ',' — how every value in the KDD files is written
        int start = cursor;
        int i = start;
        ulong whole = 0;
        while (i < line.Length && i - start < 18 && (uint)(line[i] - '0') <= 9)
            whole = whole * 10 + (uint)(line[i++] - '0');
        if (i > start && i < line.Length)
        {
            if (line[i] == (byte)',')
            {
                cursor = i + 1;
                return whole;
            }
            if (line[i] == (byte)'.')
            {
                int fractionStart = ++i;
                ulong fraction = 0;
                while (i < line.Length && i - fractionStart < 18 && (uint)(line[i] - '0') <= 9)
                    fraction = fraction * 10 + (uint)(line[i++] - '0');
                if (i > fractionStart && i < line.Length && line[i] == (byte)',')
                {
                    cursor = i + 1;
                    return (float)(whole + fraction / PowersOfTen[i - fractionStart]);
                }
            }
        }

        // anything else (sign, exponent, long digit strings, junk) goes through the framework parser
        cursor = start;
        var field = NextField(line, ref cursor, lineNumber);
        if (float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
            && float.IsFinite(value))
            return value;
        throw Error(lineNumber, $"column {column + 1} ({Kdd99.Columns[column]}) is \"{Show(field)}\", not a finite number");
    }

    private int Lookup(SymbolTable table, ReadOnlySpan<byte> field, long lineNumber, int column)
    {
        string what = column < Kdd99.FeatureColumnCount ? Kdd99.Columns[column] : "label";
        if (field.IsEmpty)
            throw Error(lineNumber, $"column {column + 1} ({what}) is empty");
        if (field.Length > MaxNameLength)
            throw Error(lineNumber, $"column {column + 1} ({what}) is longer than {MaxNameLength} characters");
        // Latin-1: every byte is one char, so no decoding can fail
        Span<char> chars = stackalloc char[field.Length];
        for (int i = 0; i < field.Length; i++)
            chars[i] = (char)field[i];
        return table.GetOrAdd(chars);
    }

    private void EnsureCapacity()
    {
        if (_count < _label.Length)
            return;
        int capacity = checked(_label.Length * 2);
        Array.Resize(ref _numeric, checked(capacity * Kdd99.NumericColumnCount));
        Array.Resize(ref _protocol, capacity);
        Array.Resize(ref _service, capacity);
        Array.Resize(ref _flag, capacity);
        Array.Resize(ref _label, capacity);
    }

    private Kdd99Data Build()
    {
        var categories = new KddCategory[_count];
        for (int i = 0; i < _count; i++)
            categories[i] = _labelCategories[_label[i]];
        return new Kdd99Data
        {
            Count = _count,
            Numeric = _numeric.AsSpan(0, _count * Kdd99.NumericColumnCount).ToArray(),
            Protocol = _protocol[.._count],
            Service = _service[.._count],
            Flag = _flag[.._count],
            Label = _label[.._count],
            ProtocolNames = _protocols.Names,
            ServiceNames = _services.Names,
            FlagNames = _flags.Names,
            LabelNames = _labels.Names,
            Category = categories,
            Source = _name,
        };
    }

    private static string Show(ReadOnlySpan<byte> field) =>
        field.Length <= 40 ? System.Text.Encoding.Latin1.GetString(field)
            : System.Text.Encoding.Latin1.GetString(field[..40]) + "…";

    private FormatException Error(long lineNumber, string problem) => new($"{_name}: line {lineNumber}: {problem}.");

    private static double[] BuildPowersOfTen()
    {
        var powers = new double[19];
        powers[0] = 1;
        for (int i = 1; i < powers.Length; i++)
            powers[i] = powers[i - 1] * 10;
        return powers;
    }

    /// <summary>Name → code in order of first appearance, looked up by span.</summary>
    private sealed class SymbolTable
    {
        private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public SymbolTable() => _lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();

        public List<string> Names { get; } = [];

        public int GetOrAdd(ReadOnlySpan<char> name)
        {
            if (_lookup.TryGetValue(name, out int code))
                return code;
            code = Names.Count;
            string text = name.ToString();
            _codes.Add(text, code);
            Names.Add(text);
            return code;
        }
    }
}
