using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Engine.Kernels;
using Engine.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

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
// Work is split into fixed blocks of GeluBlockSize elements, and those into chunks of GeluChunk that stay in L1
// through every pass; so which elements take a scalar tail never depends on the thread count.

public static partial class Op
{
    private const int GeluBlockSize = 4096;
    private const int GeluChunk = 1024;
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    // The fitted coefficients, lowest degree first. P(s) for erf(u)/u with s = u²:
    private const float P0 = 1.12837916592408f, P1 = -0.376126271660264f, P2 = 0.11283600421821036f,
        P3 = -0.026854453126137365f, P4 = 0.0051895497007959646f, P5 = -0.0008020957007888602f,
        P6 = 7.889477646712273e-05f;

    // R(z) for log(erfc(t)·exp(t²)) with z = 0.4·t − 1.4:
    private const float R0 = -1.86243736743927f, R1 = -0.6652489304542542f, R2 = 0.2077922224998474f,
        R3 = -0.08165211975574493f, R4 = 0.03414010629057884f, R5 = -0.014379618689417839f,
        R6 = 0.005912099499255419f, R7 = -0.0023773619905114174f, R8 = 0.0009576122392900288f,
        R9 = -0.0003198507765773684f, R10 = 5.2003557357238606e-05f;

    /// <summary>
    /// The Gaussian error linear unit in its exact form, gelu(x) = x·Φ(x) = ½x(1 + erf(x/√2)), as PyTorch's
    /// nn.GELU() with approximate='none'. Within 1e-6 (absolute, plus 1e-6 relative) of the double-precision value.
    /// </summary>
    public static Tensor Gelu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Zeros(x.Shape);
        int blocks = GeluBlocks(x.Size), size = x.Size;
        ParallelRange.Chunks(blocks, 40L * GeluBlockSize, (start, end) =>
        {
            int from = start * GeluBlockSize, to = end == blocks ? size : end * GeluBlockSize;
            GeluForward(x.ReadOnlySpan[from..to], y.Span[from..to]);
        });
        return Autograd.IsRecording(x) ? Autograd.Record(y, new GeluNode(x)) : y;
    }

    // Whole blocks of GeluBlockSize, the last one taking the remainder: every call sees at least one full block
    // (or the whole tensor), so no element's result depends on where a thread's range ends.
    private static int GeluBlocks(int size) => Math.Max(1, size / GeluBlockSize);

    // x (n) -> y (n) = x·Φ(x), chunk by chunk so the passes of NormalCdf stay in L1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void GeluForward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int start = 0; start < x.Length; start += GeluChunk)
        {
            int n = Math.Min(GeluChunk, x.Length - start);
            NormalCdf(x.Slice(start, n), y.Slice(start, n));
            TensorPrimitives.Multiply(x.Slice(start, n), y.Slice(start, n), y.Slice(start, n));
        }
    }

    // gradInput (n) += gradOutput ⊙ (Φ(x) + x·φ(x)). ACCUMULATES. Works through chunks of scratch on the stack.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        Span<float> cdf = stackalloc float[GeluChunk], density = stackalloc float[GeluChunk];
        for (int start = 0; start < x.Length; start += GeluChunk)
        {
            int n = Math.Min(GeluChunk, x.Length - start);
            var xs = x.Slice(start, n);
            var c = cdf[..n];
            var d = density[..n];
            NormalCdf(xs, c);
            // φ(x)·√(2π) = exp(−x²/2), then Φ + x·φ, then gradInput += gradOutput ⊙ that.
            TensorPrimitives.Multiply(xs, xs, d);
            TensorPrimitives.Multiply(d, -0.5f, d);
            TensorPrimitives.Exp(d, d);
            TensorPrimitives.Multiply(d, xs, d);
            TensorPrimitives.MultiplyAdd(d, InvSqrt2Pi, c, c);
            var gi = gradInput.Slice(start, n);
            TensorPrimitives.MultiplyAdd(gradOutput.Slice(start, n), c, gi, gi);
        }
    }

    // x (n) -> cdf (n) = Φ(x), in three passes: the exponent of erfc(t), one vectorised exp over the span
    // (Vector.Exp inside a large loop body was not inlined and ran several times slower), then the branch selection.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void NormalCdf(ReadOnlySpan<float> x, Span<float> cdf)
    {
        int i = 0, vectors = Vector.IsHardwareAccelerated ? x.Length / Vector<float>.Count : 0;
        var xv = MemoryMarshal.Cast<float, Vector<float>>(x)[..vectors];
        var cv = MemoryMarshal.Cast<float, Vector<float>>(cdf)[..vectors];
        for (int v = 0; v < xv.Length; v++) cv[v] = ErfcExponent(Vector.Abs(xv[v] * new Vector<float>(InvSqrt2)));
        for (i = vectors * Vector<float>.Count; i < x.Length; i++) cdf[i] = ErfcExponent(MathF.Abs(x[i] * InvSqrt2));
        TensorPrimitives.Exp(cdf[..x.Length], cdf);
        for (int v = 0; v < xv.Length; v++) cv[v] = SelectCdf(xv[v], cv[v]);
        for (i = vectors * Vector<float>.Count; i < x.Length; i++) cdf[i] = SelectCdf(x[i], cdf[i]);
    }

    // log erfc(t) ≈ R(z) − t² with t clamped to 6 (Horner in z, the t² folded in with one multiply-add). Every
    // multiply-add here is MultiplyAddEstimate: fused where the hardware has FMA (x86 with AVX2, ARM64), a multiply
    // then an add where it has not (x86 without FMA, no SIMD), instead of a fused multiply-add emulated in software,
    // which made GELU cost as much as all of an encoder layer's GEMMs on the Vector128 path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ErfcExponent(Vector<float> t)
    {
        var tc = Vector.Min(t, new Vector<float>(6f));
        var z = Vector.MultiplyAddEstimate(tc, new Vector<float>(0.4f), new Vector<float>(-1.4f));
        var r = Fma(Fma(Fma(Fma(Fma(new Vector<float>(R10), z, R9), z, R8), z, R7), z, R6), z, R5);
        r = Fma(Fma(Fma(Fma(Fma(r, z, R4), z, R3), z, R2), z, R1), z, R0);
        return Vector.MultiplyAddEstimate(-tc, tc, r);
    }

    private static float ErfcExponent(float t)
    {
        float tc = MathF.Min(t, 6f), z = float.MultiplyAddEstimate(tc, 0.4f, -1.4f);
        float r = Fma(Fma(Fma(Fma(Fma(R10, z, R9), z, R8), z, R7), z, R6), z, R5);
        r = Fma(Fma(Fma(Fma(Fma(r, z, R4), z, R3), z, R2), z, R1), z, R0);
        return float.MultiplyAddEstimate(-tc, tc, r);
    }

    // Φ(x) given erfc(t) ≈ exp(exponent): the central series for t < 1, else ½·erfc(t) (lower tail) or 1 − ½·erfc(t).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> SelectCdf(Vector<float> x, Vector<float> erfcT)
    {
        var half = new Vector<float>(0.5f);
        var u = x * new Vector<float>(InvSqrt2);
        var t = Vector.Abs(u);
        var s = u * u;
        var p = Fma(Fma(Fma(Fma(Fma(Fma(new Vector<float>(P6), s, P5), s, P4), s, P3), s, P2), s, P1), s, P0);
        var central = Vector.MultiplyAddEstimate(half * u, p, half);
        var tail = Vector.ConditionalSelect(Vector.GreaterThan(t, new Vector<float>(6f)), Vector<float>.Zero, half * erfcT);
        var outer = Vector.ConditionalSelect(Vector.LessThan(u, Vector<float>.Zero), tail, Vector<float>.One - tail);
        return Vector.ConditionalSelect(Vector.LessThan(t, Vector<float>.One), central, outer);
    }

    private static float SelectCdf(float x, float erfcT)
    {
        float u = x * InvSqrt2, t = MathF.Abs(u);
        if (t < 1f)
        {
            float s = u * u, p = Fma(Fma(Fma(Fma(Fma(Fma(P6, s, P5), s, P4), s, P3), s, P2), s, P1), s, P0);
            return float.MultiplyAddEstimate(0.5f * u, p, 0.5f);
        }
        float tail = t > 6f ? 0f : 0.5f * erfcT;
        return u < 0 ? tail : 1f - tail; // NaN lands here and stays NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Fma(Vector<float> a, Vector<float> b, float c) =>
        Vector.MultiplyAddEstimate(a, b, new Vector<float>(c));

    private static float Fma(float a, float b, float c) => float.MultiplyAddEstimate(a, b, c);

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
            int blocks = GeluBlocks(x.Size), size = x.Size;
            ParallelRange.Chunks(blocks, 60L * GeluBlockSize, (start, end) =>
            {
                int from = start * GeluBlockSize, to = end == blocks ? size : end * GeluBlockSize;
                GeluBackward(x.ReadOnlySpan[from..to], gradOutput.ReadOnlySpan[from..to], gradInput.Span[from..to]);
            });
        }
    }
}
