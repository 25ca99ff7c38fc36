using System.Buffers;
using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Kernels;

// Legend: B = rows of the batch, I = input size, H = hidden size, G = 4H gates per row.
// Gate layout is PyTorch's nn.LSTM: each row of a gate buffer is [i | f | g | o], each H wide, and the weights
// stack the same blocks: weight_ih (4H, I), weight_hh (4H, H), bias_ih (4H), bias_hh (4H).
//   i = σ(zᵢ), f = σ(z_f), g = tanh(z_g), o = σ(z_o)   with z = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh
//   c' = f⊙c + i⊙g,   h' = o⊙tanh(c')
// Backward (d = gradient of the loss; dh' and dc' arrive from above, dc' also from the next step):
//   dc = dc' + dh'⊙o⊙(1 − tanh²(c'))
//   dzᵢ = dc⊙g⊙i(1−i),  dz_f = dc⊙c⊙f(1−f),  dz_g = dc⊙i⊙(1−g²),  dz_o = dh'⊙tanh(c')⊙o(1−o),  dc_prev = dc⊙f
// Only activations (not pre-activations) are cached: every derivative above is a function of them.

/// <summary>
/// The LSTM cell as span kernels: the gate product (GEMMs), the fused pointwise forward that writes the caches
/// backward needs, and the fused pointwise backward, each with its scalar reference.
/// </summary>
public static class LstmCell
{
    /// <summary>
    /// Gate pre-activations of one step: <c>gates (B, 4H) = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh</c>, as two GEMMs
    /// (the second accumulates) and a bias pass.
    /// </summary>
    /// <param name="x">Input (B, I).</param>
    /// <param name="hidden">Previous hidden state (B, H).</param>
    /// <param name="weightIh">(4H, I).</param>
    /// <param name="weightHh">(4H, H).</param>
    /// <param name="biasIh">(4H).</param>
    /// <param name="biasHh">(4H).</param>
    /// <param name="batch">B.</param>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="gates">(B, 4H), overwritten.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static void GatePreactivations(ReadOnlySpan<float> x, ReadOnlySpan<float> hidden, ReadOnlySpan<float> weightIh,
        ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, int batch, int inputSize,
        int hiddenSize, Span<float> gates)
    {
        int g = 4 * hiddenSize;
        Check(nameof(GatePreactivations), batch, hiddenSize, (x.Length, (long)batch * inputSize, nameof(x)), (hidden.Length, (long)batch * hiddenSize, nameof(hidden)),
            (weightIh.Length, (long)g * inputSize, nameof(weightIh)), (weightHh.Length, (long)g * hiddenSize, nameof(weightHh)),
            (biasIh.Length, g, nameof(biasIh)), (biasHh.Length, g, nameof(biasHh)), (gates.Length, (long)batch * g, nameof(gates)));
        Gemm.Multiply(x, weightIh, batch, inputSize, g, gates, transposeB: true);
        Gemm.Multiply(hidden, weightHh, batch, hiddenSize, g, gates, transposeB: true, accumulate: true);
        AddBiases(biasIh, biasHh, batch, hiddenSize, gates);
    }

    /// <summary>Adds <c>b_ih + b_hh</c> (each 4H) to every row of <paramref name="gates"/> (rows, 4H).</summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static void AddBiases(ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, int rows, int hiddenSize, Span<float> gates)
    {
        int g = 4 * hiddenSize;
        Check(nameof(AddBiases), rows, hiddenSize, (biasIh.Length, g, nameof(biasIh)), (biasHh.Length, g, nameof(biasHh)),
            (gates.Length, (long)rows * g, nameof(gates)));
        for (int r = 0; r < rows; r++)
        {
            var row = gates.Slice(r * g, g);
            TensorPrimitives.Add(row, biasIh[..g], row);
            TensorPrimitives.Add(row, biasHh[..g], row);
        }
    }

    /// <summary>
    /// The fused pointwise forward of one step, in place on the gates:
    /// activations, <c>c' = f⊙c + i⊙g</c>, <c>tanh(c')</c> and <c>h' = o⊙tanh(c')</c>.
    /// </summary>
    /// <param name="cellPrev">Previous cell state c (B, H).</param>
    /// <param name="batch">B.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="gates">(B, 4H): the pre-activations on entry, the activations [i | f | g | o] on exit (the cache).</param>
    /// <param name="cell">New cell state c' (B, H), overwritten. Must not overlap <paramref name="cellPrev"/>.</param>
    /// <param name="cellTanh">tanh(c') (B, H), overwritten (the cache).</param>
    /// <param name="hidden">New hidden state h' (B, H), overwritten.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static void Forward(ReadOnlySpan<float> cellPrev, int batch, int hiddenSize, Span<float> gates, Span<float> cell,
        Span<float> cellTanh, Span<float> hidden)
    {
        int h = hiddenSize, g = 4 * h;
        CheckForward(nameof(Forward), cellPrev, batch, hiddenSize, gates, cell, cellTanh, hidden);
        for (int r = 0; r < batch; r++)
        {
            // Seek to row r; the i and f blocks are adjacent, so one sigmoid covers both.
            var row = gates.Slice(r * g, g);
            var i = row[..h];
            var f = row.Slice(h, h);
            var gg = row.Slice(2 * h, h);
            var o = row.Slice(3 * h, h);
            TensorPrimitives.Sigmoid(row[..(2 * h)], row[..(2 * h)]);
            TensorPrimitives.Tanh(gg, gg);
            TensorPrimitives.Sigmoid(o, o);
            var c = cell.Slice(r * h, h);
            var tc = cellTanh.Slice(r * h, h);
            TensorPrimitives.Multiply(i, gg, c);
            TensorPrimitives.FusedMultiplyAdd(f, cellPrev.Slice(r * h, h), c, c);
            TensorPrimitives.Tanh(c, tc);
            TensorPrimitives.Multiply(o, tc, hidden.Slice(r * h, h));
        }
    }

    /// <summary>Scalar reference of <see cref="Forward"/> (the test oracle).</summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static void ForwardReference(ReadOnlySpan<float> cellPrev, int batch, int hiddenSize, Span<float> gates,
        Span<float> cell, Span<float> cellTanh, Span<float> hidden)
    {
        int h = hiddenSize, g = 4 * h;
        CheckForward(nameof(ForwardReference), cellPrev, batch, hiddenSize, gates, cell, cellTanh, hidden);
        for (int r = 0; r < batch; r++)
        {
            for (int k = 0; k < h; k++)
            {
                int gi = r * g + k, hi = r * h + k;
                float i = Sigmoid(gates[gi]), f = Sigmoid(gates[gi + h]), gg = MathF.Tanh(gates[gi + 2 * h]), o = Sigmoid(gates[gi + 3 * h]);
                gates[gi] = i;
                gates[gi + h] = f;
                gates[gi + 2 * h] = gg;
                gates[gi + 3 * h] = o;
                cell[hi] = f * cellPrev[hi] + i * gg;
                cellTanh[hi] = MathF.Tanh(cell[hi]);
                hidden[hi] = o * cellTanh[hi];
            }
        }
    }

    /// <summary>
    /// The fused pointwise backward of one step: from dh' and dc' to the gradients of the gate pre-activations and
    /// of the previous cell state. ACCUMULATES (+=) into <paramref name="gradGates"/> and
    /// <paramref name="gradCellPrev"/>.
    /// </summary>
    /// <param name="gates">Cached activations [i | f | g | o] (B, 4H) from <see cref="Forward"/>.</param>
    /// <param name="cellPrev">Previous cell state c (B, H).</param>
    /// <param name="cellTanh">Cached tanh(c') (B, H).</param>
    /// <param name="gradHidden">dL/dh' (B, H).</param>
    /// <param name="gradCell">dL/dc' from the next step (B, H).</param>
    /// <param name="batch">B.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="gradGates">dL/dz (B, 4H), accumulated into.</param>
    /// <param name="gradCellPrev">dL/dc (B, H), accumulated into. Must not overlap <paramref name="gradCell"/>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static void Backward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> cellTanh,
        ReadOnlySpan<float> gradHidden, ReadOnlySpan<float> gradCell, int batch, int hiddenSize, Span<float> gradGates,
        Span<float> gradCellPrev)
    {
        int h = hiddenSize, g = 4 * h, w = Vector<float>.Count;
        CheckBackward(nameof(Backward), gates, cellPrev, cellTanh, gradHidden, gradCell, batch, hiddenSize, gradGates, gradCellPrev);
        var one = Vector<float>.One;
        for (int r = 0; r < batch; r++)
        {
            int gr = r * g, hr = r * h, k = 0;
            for (; k <= h - w; k += w)
            {
                int gi = gr + k, hi = hr + k;
                var i = new Vector<float>(gates[gi..]);
                var f = new Vector<float>(gates[(gi + h)..]);
                var gg = new Vector<float>(gates[(gi + 2 * h)..]);
                var o = new Vector<float>(gates[(gi + 3 * h)..]);
                var tc = new Vector<float>(cellTanh[hi..]);
                var dh = new Vector<float>(gradHidden[hi..]);
                var dc = new Vector<float>(gradCell[hi..]) + dh * o * (one - tc * tc);
                (new Vector<float>(gradGates[gi..]) + dc * gg * i * (one - i)).CopyTo(gradGates[gi..]);
                (new Vector<float>(gradGates[(gi + h)..]) + dc * new Vector<float>(cellPrev[hi..]) * f * (one - f)).CopyTo(gradGates[(gi + h)..]);
                (new Vector<float>(gradGates[(gi + 2 * h)..]) + dc * i * (one - gg * gg)).CopyTo(gradGates[(gi + 2 * h)..]);
                (new Vector<float>(gradGates[(gi + 3 * h)..]) + dh * tc * o * (one - o)).CopyTo(gradGates[(gi + 3 * h)..]);
                (new Vector<float>(gradCellPrev[hi..]) + dc * f).CopyTo(gradCellPrev[hi..]);
            }
            // Scalar tail: the same formulas as the reference.
            for (; k < h; k++)
                BackwardElement(gates, cellPrev, cellTanh, gradHidden, gradCell, h, gr + k, hr + k, gradGates, gradCellPrev);
        }
    }

    /// <summary>Scalar reference of <see cref="Backward"/> (the test oracle); accumulates like it.</summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static void BackwardReference(ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> cellTanh,
        ReadOnlySpan<float> gradHidden, ReadOnlySpan<float> gradCell, int batch, int hiddenSize, Span<float> gradGates,
        Span<float> gradCellPrev)
    {
        int h = hiddenSize;
        CheckBackward(nameof(BackwardReference), gates, cellPrev, cellTanh, gradHidden, gradCell, batch, hiddenSize, gradGates, gradCellPrev);
        for (int r = 0; r < batch; r++)
            for (int k = 0; k < h; k++)
                BackwardElement(gates, cellPrev, cellTanh, gradHidden, gradCell, h, r * 4 * h + k, r * h + k, gradGates, gradCellPrev);
    }

    /// <summary>
    /// Bias gradient of the gates: <c>gradBias (4H) += Σ_rows gradGates (rows, 4H)</c>, rows summed in order.
    /// ACCUMULATES. Both b_ih and b_hh receive exactly this.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public static void BackwardBias(ReadOnlySpan<float> gradGates, int rows, int hiddenSize, Span<float> gradBias)
    {
        int g = 4 * hiddenSize;
        Check(nameof(BackwardBias), rows, hiddenSize, (gradGates.Length, (long)rows * g, nameof(gradGates)), (gradBias.Length, g, nameof(gradBias)));
        // Sum the rows first, then add once: the gradient grows by exactly Σ rows, whatever it held before.
        var buffer = ArrayPool<float>.Shared.Rent(g);
        var sum = buffer.AsSpan(0, g);
        sum.Clear();
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(sum, gradGates.Slice(r * g, g), sum);
        TensorPrimitives.Add(gradBias[..g], sum, gradBias[..g]);
        ArrayPool<float>.Shared.Return(buffer);
    }

    private static void BackwardElement(ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> cellTanh,
        ReadOnlySpan<float> gradHidden, ReadOnlySpan<float> gradCell, int h, int gi, int hi, Span<float> gradGates,
        Span<float> gradCellPrev)
    {
        float i = gates[gi], f = gates[gi + h], gg = gates[gi + 2 * h], o = gates[gi + 3 * h];
        float tc = cellTanh[hi], dh = gradHidden[hi];
        float dc = gradCell[hi] + dh * o * (1f - tc * tc);
        gradGates[gi] += dc * gg * i * (1f - i);
        gradGates[gi + h] += dc * cellPrev[hi] * f * (1f - f);
        gradGates[gi + 2 * h] += dc * i * (1f - gg * gg);
        gradGates[gi + 3 * h] += dh * tc * o * (1f - o);
        gradCellPrev[hi] += dc * f;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private static void CheckForward(string method, ReadOnlySpan<float> cellPrev, int batch, int hiddenSize,
        Span<float> gates, Span<float> cell, Span<float> cellTanh, Span<float> hidden)
    {
        long bh = (long)batch * hiddenSize;
        Check(method, batch, hiddenSize, (cellPrev.Length, bh, nameof(cellPrev)), (gates.Length, (long)4 * bh, nameof(gates)),
            (cell.Length, bh, nameof(cell)), (cellTanh.Length, bh, nameof(cellTanh)), (hidden.Length, bh, nameof(hidden)));
    }

    private static void CheckBackward(string method, ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev,
        ReadOnlySpan<float> cellTanh, ReadOnlySpan<float> gradHidden, ReadOnlySpan<float> gradCell, int batch, int hiddenSize,
        Span<float> gradGates, Span<float> gradCellPrev)
    {
        long bh = (long)batch * hiddenSize;
        Check(method, batch, hiddenSize, (gates.Length, (long)4 * bh, nameof(gates)), (cellPrev.Length, bh, nameof(cellPrev)),
            (cellTanh.Length, bh, nameof(cellTanh)), (gradHidden.Length, bh, nameof(gradHidden)), (gradCell.Length, bh, nameof(gradCell)),
            (gradGates.Length, (long)4 * bh, nameof(gradGates)), (gradCellPrev.Length, bh, nameof(gradCellPrev)));
    }

    private static void Check(string method, int rows, int hiddenSize, params ReadOnlySpan<(int Length, long Needed, string Name)> spans)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(hiddenSize);
        foreach (var (length, needed, name) in spans)
            if (length < needed)
                throw new ArgumentException($"LstmCell.{method}: {name} has {length} elements, (rows={rows}, H={hiddenSize}) needs {needed}.", name);
    }
}
