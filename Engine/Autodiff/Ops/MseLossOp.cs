using System.Numerics;
using Engine.Kernels;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

public static partial class Op
{
    // Elements per parallel task of the MSE backward (whole vectors; any split gives the same bits).
    private const int MseBlock = 1 << 14;

    /// <summary>
    /// Mean squared error Σ (prediction − target)² / count (or the sum), fused into one op.
    /// The target receives no gradient (it is data).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor MseLoss(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (prediction.Shape != target.Shape)
            throw new ArgumentException($"MseLoss: prediction is {prediction.Shape} but target is {target.Shape}; they must match.");
        var p = prediction.ReadOnlySpan;
        float scale = reduction == Reduction.Mean ? 1f / Math.Max(p.Length, 1) : 1f;
        var loss = Tensor.Scalar((float)(SumSquaredDifferences(p, target.ReadOnlySpan) * scale));
        return Autograd.IsRecording(prediction) ? Autograd.Record(loss, new MseNode(prediction, target, scale)) : loss;
    }

    // Σ (p − t)² in double: each difference is a float subtraction, squared and summed in double, in a fixed order
    // (one double lane per position modulo the vector width, lanes added at the end, then the tail).
    private static double SumSquaredDifferences(ReadOnlySpan<float> p, ReadOnlySpan<float> t)
    {
        int width = Vector<float>.Count, i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<double> low = Vector<double>.Zero, high = Vector<double>.Zero;
            for (; i <= p.Length - width; i += width)
            {
                var d = new Vector<float>(p[i..]) - new Vector<float>(t[i..]);
                Vector.Widen(d, out var dLow, out var dHigh);
                low += dLow * dLow;
                high += dHigh * dHigh;
            }
            sum = Vector.Sum(low) + Vector.Sum(high);
        }
        for (; i < p.Length; i++)
        {
            double d = p[i] - t[i];
            sum += d * d;
        }
        return sum;
    }

    // d/dp scale·Σ(p − t)² = 2·scale·(p − t).
    private sealed class MseNode(Tensor prediction, Tensor target, float scale) : Node("MseLoss", prediction)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(prediction).IsEmpty) return;
            float k = 2f * scale * gradOutput.Item();
            int length = prediction.Size, blocks = (length + MseBlock - 1) / MseBlock;
            ParallelRange.Chunks(blocks, 3L * MseBlock, (start, end) =>
            {
                int from = start * MseBlock, to = Math.Min(end * MseBlock, length);
                MseBackward(prediction.ReadOnlySpan[from..to], target.ReadOnlySpan[from..to], k,
                    prediction.Grad!.Span[from..to]);
            });
        }
    }

    // gradPrediction (n) += k · (prediction − target). ACCUMULATES.
    private static void MseBackward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, float k,
        Span<float> gradPrediction)
    {
        int width = Vector<float>.Count, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<float>(k);
            for (; i <= prediction.Length - width; i += width)
            {
                var g = new Vector<float>(gradPrediction[i..]) +
                        scale * (new Vector<float>(prediction[i..]) - new Vector<float>(target[i..]));
                g.CopyTo(gradPrediction[i..]);
            }
        }
        for (; i < prediction.Length; i++) gradPrediction[i] += k * (prediction[i] - target[i]);
    }
}
