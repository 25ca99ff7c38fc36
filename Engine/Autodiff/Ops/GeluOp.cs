using System.Numerics;
using System.Runtime.InteropServices;
using Engine.Tensors;

namespace Engine.Autodiff.Ops;

// Legend: Φ(x) = ½(1 + erf(x/√2)) is the standard normal CDF and φ(x) = exp(−x²/2)/√(2π) its density.
// gelu(x) = x·Φ(x), the exact form (PyTorch's default, approximate='none');  gelu'(x) = Φ(x) + x·φ(x).
// .NET has no MathF.Erf, so Φ is evaluated from our own fit (u = x/√2, t = |u|):
//   t < 1:      erf(u) = u·P(u²), P of degree 6: relative error 1.2e-9 in double (Lawson minimax fit).
//   1 ≤ t ≤ 6:  erfc(t) = exp(R(z) − t²) with z = (2t − 7)/5 in [−1, 1] and R of degree 10 fitted to
//               log(erfc(t)·exp(t²)), a smooth function between −0.85 and −1.87: error 2e-8 in the exponent
//               (2e-7 with float coefficients and float Horner), so erfc has a relative error of about 2e-7.
//   t > 6:      erfc(t) < 2.2e-17 is taken as 0.
// The lower tail is computed as ½·erfc(t) rather than ½(1 + erf(u)), so Φ stays relatively accurate for negative
// x where 1 + erf(u) would cancel. Abramowitz–Stegun 7.1.26 (absolute error 1.5e-7, no relative accuracy in the
// tail) would be coarser. The double references (series and continued fraction) are the test oracle.
// Work is split into fixed blocks of BlockSize elements, so which elements take the scalar tail never depends
// on the thread count.

public static partial class Ops
{
    private const int GeluBlockSize = 4096;
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    // P(s) for erf(u)/u, s = u², lowest degree first.
    private static readonly float[] ErfSmall =
    [
        1.12837916592408f, -0.376126271660264f, 0.11283600421821036f, -0.026854453126137365f,
        0.0051895497007959646f, -0.0008020957007888602f, 7.889477646712273e-05f,
    ];

    // R(z) for log(erfc(t)·exp(t²)), z = 0.4·t − 1.4, lowest degree first.
    private static readonly float[] ErfcLarge =
    [
        -1.86243736743927f, -0.6652489304542542f, 0.2077922224998474f, -0.08165211975574493f,
        0.03414010629057884f, -0.014379618689417839f, 0.005912099499255419f, -0.0023773619905114174f,
        0.0009576122392900288f, -0.0003198507765773684f, 5.2003557357238606e-05f,
    ];

    /// <summary>
    /// The Gaussian error linear unit in its exact form, gelu(x) = x·Φ(x) = ½x(1 + erf(x/√2)), as PyTorch's
    /// nn.GELU() with approximate='none'. Absolute error below 1e-6 of the double-precision value.
    /// </summary>
    public static Tensor Gelu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Zeros(x.Shape);
        int blocks = (x.Size + GeluBlockSize - 1) / GeluBlockSize, size = x.Size;
        ParallelChunks.Run(blocks, 40L * GeluBlockSize, (start, end) =>
        {
            int from = start * GeluBlockSize, to = Math.Min(end * GeluBlockSize, size);
            GeluForward(x.ReadOnlySpan[from..to], y.Span[from..to]);
        });
        return Autograd.IsRecording(x) ? Autograd.Record(y, new GeluNode(x)) : y;
    }

    // x (n) -> y (n) = x·Φ(x).
    internal static void GeluForward(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < xv.Length; v++) yv[v] = xv[v] * NormalCdf(xv[v]);
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) y[i] = x[i] * NormalCdf(x[i]);
    }

    // gradInput (n) += gradOutput ⊙ (Φ(x) + x·φ(x)). ACCUMULATES.
    internal static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(gradOutput);
            var dv = MemoryMarshal.Cast<float, Vector<float>>(gradInput);
            for (int v = 0; v < xv.Length; v++)
            {
                var xi = xv[v];
                var density = Vector.Exp(xi * xi * new Vector<float>(-0.5f)) * new Vector<float>(InvSqrt2Pi);
                dv[v] += gv[v] * Vector.FusedMultiplyAdd(xi, density, NormalCdf(xi));
            }
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++)
        {
            float density = MathF.Exp(-0.5f * x[i] * x[i]) * InvSqrt2Pi;
            gradInput[i] += gradOutput[i] * MathF.FusedMultiplyAdd(x[i], density, NormalCdf(x[i]));
        }
    }

    // Φ(x) for one SIMD vector: both branches are evaluated and the right one selected per lane.
    private static Vector<float> NormalCdf(Vector<float> x)
    {
        var half = new Vector<float>(0.5f);
        var u = x * new Vector<float>(InvSqrt2);
        var t = Vector.Abs(u);
        var p = new Vector<float>(ErfSmall[^1]);
        var s = u * u;
        for (int k = ErfSmall.Length - 2; k >= 0; k--) p = Vector.FusedMultiplyAdd(p, s, new Vector<float>(ErfSmall[k]));
        var central = Vector.FusedMultiplyAdd(half * u, p, half);

        var tc = Vector.Min(t, new Vector<float>(6f));
        var z = Vector.FusedMultiplyAdd(tc, new Vector<float>(0.4f), new Vector<float>(-1.4f));
        var r = new Vector<float>(ErfcLarge[^1]);
        for (int k = ErfcLarge.Length - 2; k >= 0; k--) r = Vector.FusedMultiplyAdd(r, z, new Vector<float>(ErfcLarge[k]));
        var tail = half * Vector.Exp(Vector.FusedMultiplyAdd(-tc, tc, r)); // ½·erfc(t)
        tail = Vector.ConditionalSelect(Vector.GreaterThan(t, new Vector<float>(6f)), Vector<float>.Zero, tail);
        var outer = Vector.ConditionalSelect(Vector.LessThan(u, Vector<float>.Zero), tail, Vector<float>.One - tail);
        return Vector.ConditionalSelect(Vector.LessThan(t, Vector<float>.One), central, outer);
    }

    // Φ(x) for one float, the same formulas as the vector version.
    private static float NormalCdf(float x)
    {
        float u = x * InvSqrt2, t = MathF.Abs(u);
        if (t < 1f)
        {
            float p = ErfSmall[^1], s = u * u;
            for (int k = ErfSmall.Length - 2; k >= 0; k--) p = MathF.FusedMultiplyAdd(p, s, ErfSmall[k]);
            return MathF.FusedMultiplyAdd(0.5f * u, p, 0.5f);
        }
        if (t > 6f) return u < 0 ? 0f : 1f;
        float z = MathF.FusedMultiplyAdd(t, 0.4f, -1.4f), r = ErfcLarge[^1];
        for (int k = ErfcLarge.Length - 2; k >= 0; k--) r = MathF.FusedMultiplyAdd(r, z, ErfcLarge[k]);
        float tail = 0.5f * MathF.Exp(MathF.FusedMultiplyAdd(-t, t, r));
        return u < 0 ? tail : 1f - tail; // NaN lands here and stays NaN
    }

    /// <summary>Double-precision Φ(x) = ½(1 + erf(x/√2)), the oracle of <see cref="Gelu"/>'s tests.</summary>
    internal static double NormalCdfReference(double x)
    {
        double u = x / Math.Sqrt(2);
        return u < 0 ? 0.5 * ErfcReference(-u) : 1 - 0.5 * ErfcReference(u);
    }

    /// <summary>
    /// erfc(t) for t ≥ 0 in double: 1 − erf(t) from the all-positive series
    /// erf(t) = (2/√π)·e^{−t²}·Σ 2ⁿt^{2n+1}/(1·3···(2n+1)) below t = 2, the continued fraction
    /// erfc(t) = e^{−t²}/√π · 1/(t + ½/(t + 1/(t + (3/2)/(t + ...)))) from 2 on (relative error about 1e-15).
    /// </summary>
    internal static double ErfcReference(double t)
    {
        if (t < 2)
        {
            double sum = 0, term = t;
            for (int n = 1; ; n++)
            {
                sum += term;
                term *= 2 * t * t / (2 * n + 1);
                if (term <= 1e-18 * sum) break;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * Math.Exp(-t * t) * sum;
        }
        double f = t;
        for (int k = 100; k >= 1; k--) f = t + k / 2.0 / f;
        return Math.Exp(-t * t) / (Math.Sqrt(Math.PI) * f);
    }

    private sealed class GeluNode(Tensor x) : Node("Gelu", x)
    {
        protected internal override void Backward(Tensor gradOutput)
        {
            if (GradOf(x) is not { IsEmpty: false }) return;
            var gradInput = x.Grad!; // a lambda cannot capture the span GradOf returned
            int blocks = (x.Size + GeluBlockSize - 1) / GeluBlockSize, size = x.Size;
            ParallelChunks.Run(blocks, 60L * GeluBlockSize, (start, end) =>
            {
                int from = start * GeluBlockSize, to = Math.Min(end * GeluBlockSize, size);
                GeluBackward(x.ReadOnlySpan[from..to], gradOutput.ReadOnlySpan[from..to], gradInput.Span[from..to]);
            });
        }
    }
}
