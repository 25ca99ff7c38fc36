using System.Buffers;

namespace Engine.Autodiff.Ops;

/// <summary>
/// The buffers one <see cref="Op.Lstm"/> call needs for its forward and backward, in packed rows (N = Σ lengths).
/// Rented once per call from the shared pool and reused by every step (no per-step allocation), returned when the
/// graph is released (or at the end of the forward pass when nothing is recorded).
/// </summary>
internal sealed class LstmTape
{
    private float[]? _x, _gates, _hiddenPrev, _cellPrev, _cellTanh, _gradGates;
    private readonly int _rows, _in, _hidden;

    public LstmTape(int rows, int inF, int hidden)
    {
        _rows = rows;
        _in = inF;
        _hidden = hidden;
        _x = Rent(rows * inF);
        _gates = Rent(rows * 4 * hidden);
        _hiddenPrev = Rent(rows * hidden);
        _cellPrev = Rent(rows * hidden);
        _cellTanh = Rent(rows * hidden);
    }

    /// <summary>Packed inputs (N, I).</summary>
    public Span<float> X => Live(_x).AsSpan(0, _rows * _in);

    /// <summary>Gate pre-activations, then activations [i | f | g | o] (N, 4H).</summary>
    public Span<float> Gates => Live(_gates).AsSpan(0, _rows * 4 * _hidden);

    /// <summary>h before each step (N, H).</summary>
    public Span<float> HiddenPrev => Live(_hiddenPrev).AsSpan(0, _rows * _hidden);

    /// <summary>c before each step (N, H).</summary>
    public Span<float> CellPrev => Live(_cellPrev).AsSpan(0, _rows * _hidden);

    /// <summary>tanh(c') after each step (N, H).</summary>
    public Span<float> CellTanh => Live(_cellTanh).AsSpan(0, _rows * _hidden);

    /// <summary>Gradient of the gate pre-activations (N, 4H), rented on first use in backward.</summary>
    public Span<float> GradGates => (_gradGates ??= Rent(_rows * 4 * _hidden)).AsSpan(0, _rows * 4 * _hidden);

    /// <summary>Gives every buffer back to the pool; the tape is unusable afterwards.</summary>
    public void Return()
    {
        foreach (var buffer in new[] { _x, _gates, _hiddenPrev, _cellPrev, _cellTanh, _gradGates })
            if (buffer is not null) ArrayPool<float>.Shared.Return(buffer);
        _x = _gates = _hiddenPrev = _cellPrev = _cellTanh = _gradGates = null;
    }

    private static float[] Rent(int size) => ArrayPool<float>.Shared.Rent(size);

    private static float[] Live(float[]? buffer) =>
        buffer ?? throw new InvalidOperationException("Lstm: the saved state of this graph was already released.");
}
