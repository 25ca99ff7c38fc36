using System.Buffers;
using Engine.Kernels;
using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Engine.Autodiff.Ops;

// Legend: B = batch, T = padded time steps, I = input size, H = hidden size, G = 4H, N = Σ lengths (packed rows),
// s = step, j = rank in the length-sorted order (see LstmPacking), a = Active[s], off = Offset[s].
//
// Forward, once per sequence:  gather x into packed rows;  Z = X·W_ihᵀ + b_ih + b_hh for all N rows in ONE GEMM;
// then per step only the recurrent product Z[s] += h·W_hhᵀ (a rows) and the fused pointwise kernel.
// Backward through time, per step: the fused pointwise backward, then dh_prev = dZ[s]·W_hh (one GEMM); after the loop
// every weight gradient is ONE GEMM over all N rows: dW_ih += dZᵀ·X, dW_hh += dZᵀ·H_prev, db += column sums of dZ,
// dX = dZ·W_ih.
//
// Several outputs, one node. The graph engine gives each node exactly one output tensor. The op therefore writes
// output, h_n and c_n into ONE packed 1-D tensor [output (B·T·H) | h_n (B·H) | c_n (B·H)] owned by the LstmNode, and
// hands out three views of it, each with a tiny LstmPartNode that adds its gradient into its slice of the packed
// gradient. The topological order runs every part node before the LstmNode, so by then the packed gradient holds
// d/d(output), d/d(h_n) and d/d(c_n) together (zeros for unused parts) and backpropagation through time runs ONCE.
// The alternative — one node per output, each re-running BPTT — would triple the work or need shared mutable state.

public static partial class Op
{
    /// <summary>
    /// A single-layer, single-direction LSTM over a padded batch of sequences, with PyTorch nn.LSTM semantics and
    /// gate layout [i | f | g | o]: <c>c' = f⊙c + i⊙g</c>, <c>h' = o⊙tanh(c')</c>.
    /// </summary>
    /// <param name="input">(B, T, I), batch first.</param>
    /// <param name="h0">Initial hidden state (B, H), or null for zeros.</param>
    /// <param name="c0">Initial cell state (B, H), or null for zeros.</param>
    /// <param name="weightIh">(4H, I).</param>
    /// <param name="weightHh">(4H, H).</param>
    /// <param name="biasIh">(4H).</param>
    /// <param name="biasHh">(4H).</param>
    /// <param name="lengths">
    /// Optional real length of each sequence, in [0, T]. Positions at or past a sequence's length are not computed:
    /// its state does not change there and its output is zero; the final state is the one after its last real step
    /// (h0/c0 for length 0). Like pack_padded_sequence, but without sorting requirements.
    /// </param>
    /// <param name="reverse">
    /// Read each sequence backwards, from its last real position to position 0 (the backward direction of a
    /// bidirectional LSTM); outputs are written at the positions they were computed for.
    /// </param>
    /// <returns>Output (B, T, H) and final h, c (B, H), all differentiable.</returns>
    /// <exception cref="ArgumentException">Shapes do not fit, or a length is outside [0, T].</exception>
    public static LstmResult Lstm(Tensor input, Tensor? h0, Tensor? c0, Tensor weightIh, Tensor weightHh, Tensor biasIh,
        Tensor biasHh, int[]? lengths = null, bool reverse = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weightIh);
        ArgumentNullException.ThrowIfNull(weightHh);
        ArgumentNullException.ThrowIfNull(biasIh);
        ArgumentNullException.ThrowIfNull(biasHh);
        var (batch, steps, inF, hidden) = CheckLstmShapes(input, h0, c0, weightIh, weightHh, biasIh, biasHh, lengths);
        int g = 4 * hidden, bth = batch * steps * hidden, bh = batch * hidden;
        var pk = new LstmPacking(batch, steps, lengths, reverse, "Lstm");
        var tape = new LstmTape(pk.Rows, inF, hidden);
        var state = ArrayPool<float>.Shared.Rent(2 * bh);
        var hState = state.AsSpan(0, bh);
        var cState = state.AsSpan(bh, bh);
        var packed = Tensor.Zeros(bth + 2 * bh);
        var outSpan = packed.Span;

        // Gather the real positions into packed rows, then the input half of every gate for all steps at once.
        var x = tape.X;
        for (int s = 0; s < steps; s++)
            for (int j = 0; j < pk.Active[s]; j++)
                input.ReadOnlySpan.Slice(pk.PaddedRow(s, j, inF), inF).CopyTo(x.Slice((pk.Offset[s] + j) * inF, inF));
        Gemm.Multiply(x, weightIh.ReadOnlySpan, pk.Rows, inF, g, tape.Gates, transposeB: true);
        LstmCell.AddBiases(biasIh.ReadOnlySpan, biasHh.ReadOnlySpan, pk.Rows, hidden, tape.Gates);

        // Initial state, in sorted order.
        for (int j = 0; j < batch; j++)
        {
            var hs = hState.Slice(j * hidden, hidden);
            var cs = cState.Slice(j * hidden, hidden);
            if (h0 is null) hs.Clear(); else h0.ReadOnlySpan.Slice(pk.Order[j] * hidden, hidden).CopyTo(hs);
            if (c0 is null) cs.Clear(); else c0.ReadOnlySpan.Slice(pk.Order[j] * hidden, hidden).CopyTo(cs);
        }

        // The recurrence: only the active prefix of rows takes part in each step; the rest keep their final state.
        // W_hhᵀ is packed once for all steps (bitwise the same product as packing it inside every call).
        using var packedHh = Gemm.PackB(weightHh.ReadOnlySpan, hidden, g, transposeB: true);
        for (int s = 0; s < steps; s++)
        {
            int a = pk.Active[s], off = pk.Offset[s], ah = a * hidden;
            if (a == 0) break;
            var hPrev = tape.HiddenPrev.Slice(off * hidden, ah);
            var cPrev = tape.CellPrev.Slice(off * hidden, ah);
            var gates = tape.Gates.Slice(off * g, a * g);
            hState[..ah].CopyTo(hPrev); // cache for backward (dW_hh) and the GEMM's input
            cState[..ah].CopyTo(cPrev);
            Gemm.MultiplyPacked(hPrev, packedHh, a, gates, accumulate: true);
            LstmCell.Forward(cPrev, a, hidden, gates, cState[..ah], tape.CellTanh.Slice(off * hidden, ah), hState[..ah]);
            for (int j = 0; j < a; j++)
                hState.Slice(j * hidden, hidden).CopyTo(outSpan.Slice(pk.PaddedRow(s, j, hidden), hidden));
        }

        // Final states, back in batch order.
        for (int j = 0; j < batch; j++)
        {
            hState.Slice(j * hidden, hidden).CopyTo(outSpan.Slice(bth + pk.Order[j] * hidden, hidden));
            cState.Slice(j * hidden, hidden).CopyTo(outSpan.Slice(bth + bh + pk.Order[j] * hidden, hidden));
        }
        ArrayPool<float>.Shared.Return(state);

        Tensor[] inputs = [input, weightIh, weightHh, biasIh, biasHh, .. h0 is null ? [] : new[] { h0 }, .. c0 is null ? [] : new[] { c0 }];
        if (!Autograd.IsRecording(inputs))
        {
            tape.Return();
            return new LstmResult(LstmPart(packed, 0, [batch, steps, hidden]), LstmPart(packed, bth, [batch, hidden]),
                LstmPart(packed, bth + bh, [batch, hidden]));
        }
        Autograd.Record(packed, new LstmNode(inputs, pk, tape, input, h0, c0, weightIh, weightHh, biasIh, biasHh));
        return new LstmResult(RecordPart(packed, 0, [batch, steps, hidden]), RecordPart(packed, bth, [batch, hidden]),
            RecordPart(packed, bth + bh, [batch, hidden]));
    }

    private static (int Batch, int Steps, int In, int Hidden) CheckLstmShapes(Tensor input, Tensor? h0, Tensor? c0,
        Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh, int[]? lengths)
    {
        string Describe() =>
            $"input {input.Shape}, h0 {h0?.Shape.ToString() ?? "none"}, c0 {c0?.Shape.ToString() ?? "none"}, weight_ih {weightIh.Shape}, weight_hh {weightHh.Shape}, bias_ih {biasIh.Shape}, bias_hh {biasHh.Shape}";
        if (input.Rank != 3 || input.Size == 0)
            throw new ArgumentException($"Lstm: input must be (B, T, I) with B, T, I ≥ 1; got {Describe()}.", nameof(input));
        int batch = input.Shape[0], steps = input.Shape[1], inF = input.Shape[2];
        if (weightHh.Rank != 2 || weightHh.Shape[1] < 1 || weightHh.Shape[0] != 4 * weightHh.Shape[1])
            throw new ArgumentException($"Lstm: weight_hh must be (4H, H) with H ≥ 1; got {Describe()}.", nameof(weightHh));
        int hidden = weightHh.Shape[1], g = 4 * hidden;
        if (weightIh.Rank != 2 || weightIh.Shape[0] != g || weightIh.Shape[1] != inF)
            throw new ArgumentException($"Lstm: weight_ih must be (4H, I) = ({g}, {inF}); got {Describe()}.", nameof(weightIh));
        if (biasIh.Rank != 1 || biasIh.Size != g || biasHh.Rank != 1 || biasHh.Size != g)
            throw new ArgumentException($"Lstm: bias_ih and bias_hh must be (4H) = ({g}); got {Describe()}.", nameof(biasIh));
        foreach (var (state, name) in new[] { (h0, "h0"), (c0, "c0") })
            if (state is not null && (state.Rank != 2 || state.Shape[0] != batch || state.Shape[1] != hidden))
                throw new ArgumentException($"Lstm: {name} must be (B, H) = ({batch}, {hidden}); got {Describe()}.", name);
        if (lengths is not null && lengths.Length != batch)
            throw new ArgumentException($"Lstm: lengths has {lengths.Length} entries for a batch of {batch}.", nameof(lengths));
        return (batch, steps, inF, hidden);
    }

    private static Tensor LstmPart(Tensor packed, int offset, int[] dims) => new(new Shape(dims), packed.Storage, packed.StorageOffset + offset);

    private static Tensor RecordPart(Tensor packed, int offset, int[] dims)
    {
        var part = LstmPart(packed, offset, dims);
        return Autograd.Record(part, new LstmPartNode(packed, offset));
    }

    /// <summary>One of the three views of the packed LSTM result: routes its gradient into its slice.</summary>
    private sealed class LstmPartNode(Tensor packed, int offset) : Node("LstmPart", packed)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(packed) is { IsEmpty: false } gp)
            {
                var slice = gp.Slice(offset, gradOutput.Size);
                TensorPrimitives.Add(slice, gradOutput.ReadOnlySpan, slice);
            }
        }
    }

    /// <summary>Backpropagation through time for one <see cref="Lstm"/> call; reads and writes only its tape's buffers.</summary>
    private sealed class LstmNode(Tensor[] inputs, LstmPacking pk, LstmTape tape, Tensor input, Tensor? h0, Tensor? c0,
        Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh) : Node("Lstm", inputs)
    {
        private LstmTape? _tape = tape;

        protected internal override void Backward(Tensor gradOutput)
        {
            var t = _tape ?? throw new InvalidOperationException("Lstm: backward after the saved state was released.");
            int batch = pk.Batch, steps = pk.Steps, hidden = weightHh.Shape[1], inF = input.Shape[2], g = 4 * hidden;
            int bth = batch * steps * hidden, bh = batch * hidden, n = pk.Rows;
            var gradAll = gradOutput.ReadOnlySpan;
            var gradOut = gradAll[..bth];
            var scratch = ArrayPool<float>.Shared.Rent(3 * bh);
            var dh = scratch.AsSpan(0, bh);
            var dc = scratch.AsSpan(bh, bh);
            var dcPrev = scratch.AsSpan(2 * bh, bh);
            var dz = t.GradGates;
            dz.Clear();

            // Seed the running state gradients with d/dh_n and d/dc_n (in sorted order).
            for (int j = 0; j < batch; j++)
            {
                gradAll.Slice(bth + pk.Order[j] * hidden, hidden).CopyTo(dh.Slice(j * hidden, hidden));
                gradAll.Slice(bth + bh + pk.Order[j] * hidden, hidden).CopyTo(dc.Slice(j * hidden, hidden));
            }

            // Through time, last step first. Rows past Active[s] hold sequences already finished: untouched.
            bool needInitial = h0 is { RequiresGrad: true } || c0 is { RequiresGrad: true };
            using var packedHh = Gemm.PackB(weightHh.ReadOnlySpan, g, hidden);
            for (int s = steps - 1; s >= 0; s--)
            {
                int a = pk.Active[s], off = pk.Offset[s], ah = a * hidden;
                if (a == 0) continue;
                for (int j = 0; j < a; j++)
                {
                    var row = dh.Slice(j * hidden, hidden);
                    TensorPrimitives.Add(row, gradOut.Slice(pk.PaddedRow(s, j, hidden), hidden), row);
                }
                var dzStep = dz.Slice(off * g, a * g);
                dcPrev[..ah].Clear();
                LstmCell.Backward(t.Gates.Slice(off * g, a * g), t.CellPrev.Slice(off * hidden, ah), t.CellTanh.Slice(off * hidden, ah),
                    dh[..ah], dc[..ah], a, hidden, dzStep, dcPrev[..ah]);
                dcPrev[..ah].CopyTo(dc);
                // dh_prev = dz · W_hh  (a, 4H)·(4H, H); the first step's only feeds h0.
                if (s > 0 || needInitial)
                    Gemm.MultiplyPacked(dzStep, packedHh, a, dh[..ah]);
            }

            // Every weight gradient as one GEMM over all packed rows. (With no real rows at all, N = 0, the gradients
            // are still created, as zeros.)
            if (GradOf(weightIh) is { IsEmpty: false } gwi && n > 0)
                Gemm.Multiply(dz, t.X, g, n, inF, gwi, transposeA: true, accumulate: true);
            if (GradOf(weightHh) is { IsEmpty: false } gwh && n > 0)
                Gemm.Multiply(dz, t.HiddenPrev, g, n, hidden, gwh, transposeA: true, accumulate: true);
            if (GradOf(biasIh) is { IsEmpty: false } gbi) LstmCell.BackwardBias(dz, n, hidden, gbi);
            if (GradOf(biasHh) is { IsEmpty: false } gbh) LstmCell.BackwardBias(dz, n, hidden, gbh);
            if (GradOf(input) is { IsEmpty: false } gx && n > 0)
            {
                // dX = dZ · W_ih in packed rows, then scattered back to the padded positions.
                var dxBuffer = ArrayPool<float>.Shared.Rent(n * inF);
                var dx = dxBuffer.AsSpan(0, n * inF);
                Gemm.Multiply(dz, weightIh.ReadOnlySpan, n, g, inF, dx);
                for (int s = 0; s < steps; s++)
                    for (int j = 0; j < pk.Active[s]; j++)
                    {
                        var dst = gx.Slice(pk.PaddedRow(s, j, inF), inF);
                        TensorPrimitives.Add(dst, dx.Slice((pk.Offset[s] + j) * inF, inF), dst);
                    }
                ArrayPool<float>.Shared.Return(dxBuffer);
            }
            if (h0 is not null && GradOf(h0) is { IsEmpty: false } gh0) AddUnsorted(dh, gh0);
            if (c0 is not null && GradOf(c0) is { IsEmpty: false } gc0) AddUnsorted(dc, gc0);
            ArrayPool<float>.Shared.Return(scratch);
        }

        private void AddUnsorted(ReadOnlySpan<float> sorted, Span<float> grad)
        {
            int hidden = weightHh.Shape[1];
            for (int j = 0; j < pk.Batch; j++)
            {
                var dst = grad.Slice(pk.Order[j] * hidden, hidden);
                TensorPrimitives.Add(dst, sorted.Slice(j * hidden, hidden), dst);
            }
        }

        protected override void ReleaseSavedState()
        {
            _tape?.Return();
            _tape = null;
        }
    }
}
