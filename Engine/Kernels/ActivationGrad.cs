using System.Numerics;
using System.Runtime.CompilerServices;

namespace Engine.Kernels;

// Legend: rows × cols = a dense layer's output y = act(z) (batch × out features), row-major; [c0, c1) = a column range.
// The backward of a fused Linear + activation, before its GEMMs: one pass over the columns c0..c1 of every row
//   gradPreActivation[r, j] = gradOutput[r, j] · act'(z[r, j])      (act' from the saved output y)
//   gradBias[j] += Σ_r gradPreActivation[r, j]                       (rows in increasing order)
// A column range is owned by one thread and rows are added in order, so results never depend on the thread count,
// and they equal the unfused path (activation backward into a zeroed buffer, then row-by-row bias sums) bit for bit.

/// <summary>The derivative of an activation, expressed through its output y.</summary>
internal interface IActivationDerivative
{
    /// <summary>gradOutput · act'(z), given y = act(z).</summary>
    static abstract float Apply(float y, float gradOutput);

    /// <summary>The same, lane by lane, with the same operations in the same order (bitwise equal).</summary>
    static abstract Vector<float> Apply(Vector<float> y, Vector<float> gradOutput);

    /// <summary>gradInput + gradOutput · act'(z): the autodiff op's accumulating backward, lane by lane.</summary>
    static abstract Vector<float> Accumulate(Vector<float> gradInput, Vector<float> y, Vector<float> gradOutput);

    /// <summary>The same for one element, with the same operations in the same order.</summary>
    static abstract float Accumulate(float gradInput, float y, float gradOutput);
}

/// <summary>Fused activation-derivative and bias-gradient pass of a dense layer (see the legend above).</summary>
internal static class ActivationGrad
{
    /// <summary>
    /// Writes gradPreActivation = gradOutput ⊙ act'(z) (OVERWRITES; skipped when the span is empty) and ADDS its
    /// column sums into gradBias (skipped when empty), for columns [c0, c1) of every row.
    /// </summary>
    /// <param name="output">y = act(z), (rows, cols); ignored for <see cref="ActivationKind.Identity"/>.</param>
    /// <param name="gradOutput">d(loss)/dy, (rows, cols).</param>
    /// <param name="rows">Rows (batch).</param>
    /// <param name="cols">Columns (features).</param>
    /// <param name="c0">First column of the range.</param>
    /// <param name="c1">End of the column range (exclusive).</param>
    /// <param name="activation">The activation y was computed with.</param>
    /// <param name="gradPreActivation">d(loss)/dz, (rows, cols), overwritten in the range; or empty.</param>
    /// <param name="gradBias">(cols), accumulated into in the range; or empty.</param>
    public static void Backward(ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, int rows, int cols,
        int c0, int c1, ActivationKind activation, Span<float> gradPreActivation, Span<float> gradBias)
    {
        switch (activation)
        {
            case ActivationKind.Relu:
                Run<ReluDerivative>(output, gradOutput, rows, cols, c0, c1, gradPreActivation, gradBias);
                break;
            case ActivationKind.Sigmoid:
                Run<SigmoidDerivative>(output, gradOutput, rows, cols, c0, c1, gradPreActivation, gradBias);
                break;
            case ActivationKind.Tanh:
                Run<TanhDerivative>(output, gradOutput, rows, cols, c0, c1, gradPreActivation, gradBias);
                break;
            default:
                Run<IdentityDerivative>(gradOutput, gradOutput, rows, cols, c0, c1, gradPreActivation, gradBias);
                break;
        }
    }

    /// <summary>
    /// The scalar reference of <see cref="Backward"/>: the textbook derivatives, one element at a time, written out
    /// independently of the definitions above so that the tests compare two derivations.
    /// </summary>
    /// <inheritdoc cref="Backward"/>
    public static void BackwardReference(ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, int rows,
        int cols, int c0, int c1, ActivationKind activation, Span<float> gradPreActivation, Span<float> gradBias)
    {
        for (int r = 0; r < rows; r++)
        for (int j = c0; j < c1; j++)
        {
            int i = r * cols + j;
            float gy = gradOutput[i];
            float gz = activation switch
            {
                ActivationKind.Relu => output[i] > 0 ? gy : 0f,
                ActivationKind.Sigmoid => gy * output[i] * (1f - output[i]),
                ActivationKind.Tanh => gy * (1f - output[i] * output[i]),
                _ => gy,
            };
            if (!gradPreActivation.IsEmpty) gradPreActivation[i] = gz;
            if (!gradBias.IsEmpty) gradBias[j] += gz;
        }
    }

    /// <summary>
    /// gradInput += gradOutput ⊙ act'(z), given y = act(z): the backward of the activation ops (Op.Relu, Op.Sigmoid,
    /// Op.Tanh), from the same derivative definitions as the fused pass above.
    /// </summary>
    internal static void Accumulate<TAct>(ReadOnlySpan<float> y, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
        where TAct : struct, IActivationDerivative
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= gradInput.Length - Vector<float>.Count; i += Vector<float>.Count)
                TAct.Accumulate(new Vector<float>(gradInput[i..]), new Vector<float>(y[i..]), new Vector<float>(gradOutput[i..]))
                    .CopyTo(gradInput[i..]);
        }
        for (; i < gradInput.Length; i++) gradInput[i] = TAct.Accumulate(gradInput[i], y[i], gradOutput[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TAct>(ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, int rows, int cols,
        int c0, int c1, Span<float> gradPreActivation, Span<float> gradBias)
        where TAct : struct, IActivationDerivative
    {
        int width = Vector<float>.Count;
        bool writeGrad = !gradPreActivation.IsEmpty, sumBias = !gradBias.IsEmpty;
        for (int r = 0; r < rows; r++)
        {
            var y = output.Slice(r * cols, cols);
            var gy = gradOutput.Slice(r * cols, cols);
            var gz = writeGrad ? gradPreActivation.Slice(r * cols, cols) : default;
            int j = c0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; j <= c1 - width; j += width)
                {
                    var g = TAct.Apply(new Vector<float>(y[j..]), new Vector<float>(gy[j..]));
                    if (writeGrad) g.CopyTo(gz[j..]);
                    if (sumBias) (new Vector<float>(gradBias[j..]) + g).CopyTo(gradBias[j..]);
                }
            }
            for (; j < c1; j++)
            {
                float g = TAct.Apply(y[j], gy[j]);
                if (writeGrad) gz[j] = g;
                if (sumBias) gradBias[j] += g;
            }
        }
    }

    internal readonly struct IdentityDerivative : IActivationDerivative
    {
        public static float Apply(float y, float gradOutput) => gradOutput;

        public static Vector<float> Apply(Vector<float> y, Vector<float> gradOutput) => gradOutput;

        public static Vector<float> Accumulate(Vector<float> gradInput, Vector<float> y, Vector<float> gradOutput) => gradInput + gradOutput;

        public static float Accumulate(float gradInput, float y, float gradOutput) => gradInput + gradOutput;
    }

    // relu'(z) = 1 where y = max(z, 0) > 0, else 0 (PyTorch's convention at 0). Accumulating selects between
    // gradInput + gradOutput and gradInput, branch-free (a branch per element mispredicts about half the time on real
    // activations), and leaves gradInput untouched where the unit is off.
    internal readonly struct ReluDerivative : IActivationDerivative
    {
        public static float Apply(float y, float gradOutput) => y > 0 ? gradOutput : 0f;

        public static Vector<float> Apply(Vector<float> y, Vector<float> gradOutput) =>
            Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), gradOutput, Vector<float>.Zero);

        public static Vector<float> Accumulate(Vector<float> gradInput, Vector<float> y, Vector<float> gradOutput) =>
            Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), gradInput + gradOutput, gradInput);

        public static float Accumulate(float gradInput, float y, float gradOutput) => y > 0 ? gradInput + gradOutput : gradInput;
    }

    // sigmoid'(z) = y (1 − y).
    internal readonly struct SigmoidDerivative : IActivationDerivative
    {
        public static float Apply(float y, float gradOutput) => gradOutput * y * (1f - y);

        public static Vector<float> Apply(Vector<float> y, Vector<float> gradOutput) =>
            gradOutput * y * (Vector<float>.One - y);

        public static Vector<float> Accumulate(Vector<float> gradInput, Vector<float> y, Vector<float> gradOutput) =>
            gradInput + Apply(y, gradOutput);

        public static float Accumulate(float gradInput, float y, float gradOutput) => gradInput + Apply(y, gradOutput);
    }

    // tanh'(z) = 1 − y².
    internal readonly struct TanhDerivative : IActivationDerivative
    {
        public static float Apply(float y, float gradOutput) => gradOutput * (1f - y * y);

        public static Vector<float> Apply(Vector<float> y, Vector<float> gradOutput) =>
            gradOutput * (Vector<float>.One - y * y);

        public static Vector<float> Accumulate(Vector<float> gradInput, Vector<float> y, Vector<float> gradOutput) =>
            gradInput + Apply(y, gradOutput);

        public static float Accumulate(float gradInput, float y, float gradOutput) => gradInput + Apply(y, gradOutput);
    }
}
