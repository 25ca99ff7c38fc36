using Engine.Autodiff.Ops;
using Engine.Tensors;

namespace Engine.Layers;

/// <summary>
/// Fixed sinusoidal positional encoding ("Attention Is All You Need", §3.5), added to inputs (B, T, E):
/// pe[t, 2i] = sin(t / 10000^(2i/E)), pe[t, 2i + 1] = cos(t / 10000^(2i/E)), then optional dropout.
/// </summary>
/// <remarks>The table is a buffer named <c>pe</c> (maxLength, E): saved with the model, never trained.</remarks>
public sealed class PositionalEncoding : Module
{
    private readonly Random? _random;

    /// <summary>Creates the table for up to <paramref name="maxLength"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1 or dropout is outside [0, 1).</exception>
    /// <exception cref="ArgumentException">dropout is positive without a Random.</exception>
    public PositionalEncoding(int embedDim, int maxLength = 512, float dropout = 0f, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(embedDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (!(dropout >= 0f && dropout < 1f))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"PositionalEncoding: dropout {dropout} is outside [0, 1).");
        if (dropout > 0f && random is null)
            throw new ArgumentException("PositionalEncoding: dropout > 0 needs a Random.", nameof(random));
        Dropout = dropout;
        _random = random;
        Table = RegisterBuffer("pe", Tensor.Zeros(maxLength, embedDim));
        var pe = Table.Span;
        for (int t = 0; t < maxLength; t++)
            for (int j = 0; j < embedDim; j++)
            {
                // Column pair (2i, 2i + 1) shares the frequency 10000^(−2i/E); computed in double, stored as float.
                double angle = t * Math.Pow(10000.0, -(j - j % 2) / (double)embedDim);
                pe[t * embedDim + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
    }

    /// <summary>The (maxLength, E) table.</summary>
    public Tensor Table { get; }

    /// <summary>Dropout probability after the addition (training mode only).</summary>
    public float Dropout { get; }

    /// <summary>x (B, T, E) + pe[:T], then dropout.</summary>
    /// <exception cref="ArgumentException">x is not (B, T, E) or T exceeds the table.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int maxLength = Table.Shape[0], e = Table.Shape[1];
        if (input.Rank != 3 || input.Shape[2] != e || input.Shape[1] > maxLength)
            throw new ArgumentException($"PositionalEncoding.Forward: input is {input.Shape}; expected (B, T ≤ {maxLength}, {e}).",
                nameof(input));
        var sum = Op.Add(input, Table.Rows(0, input.Shape[1]));
        return _random is null ? sum : Op.Dropout(sum, Dropout, _random, IsTraining);
    }
}
