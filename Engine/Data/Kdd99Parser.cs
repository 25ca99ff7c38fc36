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
        int fields = line.Count((byte)',') + 1;
        if (fields != FieldCount)
            throw Error(lineNumber, $"expected {FieldCount} comma-separated fields (41 features and a label), found {fields}");
        EnsureCapacity();

        var numeric = _numeric.AsSpan(_count * Kdd99.NumericColumnCount, Kdd99.NumericColumnCount);
        int numericColumn = 0;
        for (int column = 0; column < Kdd99.FeatureColumnCount; column++)
        {
            int comma = line.IndexOf((byte)',');
            var field = line[..comma];
            line = line[(comma + 1)..];
            switch (column)
            {
                case 1: _protocol[_count] = Lookup(_protocols, field, lineNumber, column); break;
                case 2: _service[_count] = Lookup(_services, field, lineNumber, column); break;
                case 3: _flag[_count] = Lookup(_flags, field, lineNumber, column); break;
                default: numeric[numericColumn++] = ParseNumber(field, lineNumber, column); break;
            }
        }

        // the label is the rest of the line; KDD writes it with a trailing period ("normal.")
        var label = line.Length > 0 && line[^1] == (byte)'.' ? line[..^1] : line;
        int code = Lookup(_labels, label, lineNumber, Kdd99.FeatureColumnCount);
        if (code == _labelCategories.Count)
            _labelCategories.Add(Kdd99.CategoryOf(_labels.Names[code]));
        _label[_count] = code;
        _count++;
    }

    private float ParseNumber(ReadOnlySpan<byte> field, long lineNumber, int column)
    {
        // fast path: digits, optionally '.' and more digits, as every value in the KDD files is written
        ulong whole = 0;
        int i = 0;
        while (i < field.Length && i < 18 && (uint)(field[i] - '0') <= 9)
            whole = whole * 10 + (uint)(field[i++] - '0');
        if (i == field.Length && i > 0)
            return whole;
        if (i > 0 && i < field.Length && field[i] == (byte)'.' && field.Length - i - 1 is > 0 and <= 18)
        {
            int fractionStart = ++i;
            ulong fraction = 0;
            while (i < field.Length && (uint)(field[i] - '0') <= 9)
                fraction = fraction * 10 + (uint)(field[i++] - '0');
            if (i == field.Length)
                return (float)(whole + fraction / PowersOfTen[i - fractionStart]);
        }

        // anything else (sign, exponent, long digit strings) goes through the framework parser
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
