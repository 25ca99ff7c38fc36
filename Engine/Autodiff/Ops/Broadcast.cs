using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

/// <summary>
/// NumPy broadcasting: shapes are aligned at the right; a dimension of 1 (or a missing one) stretches to match.
/// (N, D) with (D) broadcasts a row, (N, D) with (N, 1) a column, anything with () a scalar.
/// </summary>
/// <remarks>
/// Work is done row by row over the output's last dimension: along it an input either moves with the output
/// (stride 1, a whole-span SIMD op) or stays put (stride 0, a scalar op), so every case runs on vector kernels.
/// </remarks>
internal static class Broadcast
{
    /// <summary>The broadcast result shape of a and b, or an ArgumentException naming the op and both shapes.</summary>
    public static Shape ResultShape(string op, Shape a, Shape b)
    {
        if (a == b) return a;
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Rank) >= 0 ? a.Dims[i - (rank - a.Rank)] : 1;
            int db = i - (rank - b.Rank) >= 0 ? b.Dims[i - (rank - b.Rank)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{op}: shapes {a} and {b} cannot be broadcast together (dimension {i} from the left of the result: {da} vs {db}).");
            dims[i] = da == 1 ? db : da;
        }
        return new Shape(dims);
    }

    /// <summary>Element strides of <paramref name="input"/> read as <paramref name="output"/> (0 where broadcast).</summary>
    public static int[] Strides(Shape input, Shape output)
    {
        int rank = output.Rank;
        var strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int j = i - (rank - input.Rank);
            int d = j >= 0 ? input.Dims[j] : 1;
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return strides;
    }

    /// <summary>
    /// Sums <paramref name="grad"/> (shaped like the output) over the broadcast dimensions and adds the result into
    /// <paramref name="target"/> (shaped like the input): the backward of broadcasting.
    /// </summary>
    public static void AccumulateReduced(ReadOnlySpan<float> grad, Shape output, Span<float> target, Shape input)
    {
        if (input == output)
        {
            TensorPrimitives.Add(target, grad, target);
            return;
        }
        var strides = Strides(input, output);
        var rows = new RowIterator(output, strides, strides);
        int cols = rows.Columns;
        bool rowMoves = output.Rank > 0 && strides[^1] == 1;
        while (rows.MoveNext())
        {
            var g = grad.Slice(rows.OutputOffset, cols);
            if (rowMoves) TensorPrimitives.Add(target.Slice(rows.AOffset, cols), g, target.Slice(rows.AOffset, cols));
            else target[rows.AOffset] += TensorPrimitives.Sum(g);
        }
    }
}

/// <summary>
/// Walks a broadcast output row by row (rows of its last dimension), tracking where each of two inputs is.
/// Along a row an input either moves with the output (stride 1) or stays put (stride 0).
/// </summary>
internal struct RowIterator
{
    private readonly Shape _output;
    private readonly int[] _stridesA, _stridesB, _index;
    private readonly int _rows;
    private int _row;

    public RowIterator(Shape output, int[] stridesA, int[] stridesB)
    {
        _output = output;
        _stridesA = stridesA;
        _stridesB = stridesB;
        _index = new int[Math.Max(output.Rank, 1)];
        Columns = output.Rank == 0 ? 1 : output.Dims[^1];
        _rows = Columns == 0 ? 0 : output.Size / Columns;
        _row = -1;
    }

    /// <summary>Length of one row (the output's last dimension).</summary>
    public int Columns { get; }

    /// <summary>Offset of the current row in the output.</summary>
    public readonly int OutputOffset => _row * Columns;

    /// <summary>Offset of the current row's first element in input a.</summary>
    public int AOffset { get; private set; }

    /// <summary>Offset of the current row's first element in input b.</summary>
    public int BOffset { get; private set; }

    /// <summary>Moves to the next row; false when done.</summary>
    public bool MoveNext()
    {
        if (_row >= 0)
        {
            // Advance the multi-index over the leading dimensions, like an odometer.
            for (int d = _output.Rank - 2; d >= 0; d--)
            {
                _index[d]++;
                AOffset += _stridesA[d];
                BOffset += _stridesB[d];
                if (_index[d] < _output.Dims[d]) break;
                AOffset -= _stridesA[d] * _index[d];
                BOffset -= _stridesB[d] * _index[d];
                _index[d] = 0;
            }
        }
        return ++_row < _rows;
    }
}
