using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using Engine.Kernels;

namespace Engine.Text;

/// <summary>
/// The two vector operations of the skip-gram inner loop, on rows of D floats (D = 100 typically). They are called
/// about 30 times per trained word, so they are written out per SIMD path (Vector512, Vector256, Vector128) with a
/// scalar tail rather than through general-purpose helpers whose per-call overhead is comparable to the work at this
/// size. The 128-bit path and the scalar tail multiply and add with <c>MultiplyAddEstimate</c>: fused where the
/// hardware has a fused multiply-add (ARM64, x86 with FMA), separate where it would be emulated in software (x86
/// without FMA, no SIMD at all).
/// </summary>
internal static class Word2VecKernels
{
    /// <summary>x (n), y (n) -> Σ x[i]·y[i], accumulated per SIMD lane then reduced (order fixed per machine).</summary>
    internal static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float sum = 0;
        if (Simd.Allows(SimdPath.Avx512) && n >= Vector512<float>.Count)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i),
                    Vector512.LoadUnsafe(ref yr, (nuint)i), acc);
            sum = Vector512.Sum(acc);
        }
        else if (Simd.Allows(SimdPath.Avx2) && n >= Vector256<float>.Count)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i),
                    Vector256.LoadUnsafe(ref yr, (nuint)i), acc);
            sum = Vector256.Sum(acc);
        }
        else if (Simd.Allows(SimdPath.Vector128) && n >= Vector128<float>.Count)
        {
            var acc = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                acc = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref xr, (nuint)i),
                    Vector128.LoadUnsafe(ref yr, (nuint)i), acc);
            sum = Vector128.Sum(acc);
        }
        for (; i < n; i++)
            sum = float.MultiplyAddEstimate(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), sum);
        return sum;
    }

    /// <summary>Scalar reference of <see cref="Dot"/>, in double (the test oracle).</summary>
    internal static double DotReference(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
            sum += (double)x[i] * y[i];
        return sum;
    }

    /// <summary>
    /// input (n), g, output (n), gradInput (n): gradInput += g·output, then output += g·input (word2vec.c's two
    /// updates for one (context, target) pair, fused so <paramref name="output"/> is read once). Accumulates into
    /// <paramref name="gradInput"/> and <paramref name="output"/>.
    /// </summary>
    internal static void UpdatePair(ReadOnlySpan<float> input, float g, Span<float> output, Span<float> gradInput)
    {
        int n = input.Length;
        ref float inr = ref MemoryMarshal.GetReference(input);
        ref float outr = ref MemoryMarshal.GetReference(output);
        ref float gr = ref MemoryMarshal.GetReference(gradInput);
        int i = 0;
        if (Simd.Allows(SimdPath.Avx512))
        {
            var gv = Vector512.Create(g);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var o = Vector512.LoadUnsafe(ref outr, (nuint)i);
                Vector512.FusedMultiplyAdd(gv, o, Vector512.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref gr, (nuint)i);
                Vector512.FusedMultiplyAdd(gv, Vector512.LoadUnsafe(ref inr, (nuint)i), o)
                    .StoreUnsafe(ref outr, (nuint)i);
            }
        }
        else if (Simd.Allows(SimdPath.Avx2))
        {
            var gv = Vector256.Create(g);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var o = Vector256.LoadUnsafe(ref outr, (nuint)i);
                Vector256.FusedMultiplyAdd(gv, o, Vector256.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref gr, (nuint)i);
                Vector256.FusedMultiplyAdd(gv, Vector256.LoadUnsafe(ref inr, (nuint)i), o)
                    .StoreUnsafe(ref outr, (nuint)i);
            }
        }
        else if (Simd.Allows(SimdPath.Vector128))
        {
            var gv = Vector128.Create(g);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var o = Vector128.LoadUnsafe(ref outr, (nuint)i);
                Vector128.MultiplyAddEstimate(gv, o, Vector128.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref gr, (nuint)i);
                Vector128.MultiplyAddEstimate(gv, Vector128.LoadUnsafe(ref inr, (nuint)i), o)
                    .StoreUnsafe(ref outr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float o = Unsafe.Add(ref outr, i);
            Unsafe.Add(ref gr, i) = float.MultiplyAddEstimate(g, o, Unsafe.Add(ref gr, i));
            Unsafe.Add(ref outr, i) = float.MultiplyAddEstimate(g, Unsafe.Add(ref inr, i), o);
        }
    }

    /// <summary>Scalar reference of <see cref="UpdatePair"/> (the test oracle).</summary>
    internal static void UpdatePairReference(ReadOnlySpan<float> input, float g, Span<float> output,
        Span<float> gradInput)
    {
        for (int i = 0; i < input.Length; i++)
        {
            float o = output[i];
            gradInput[i] += g * o;
            output[i] = o + g * input[i];
        }
    }
}
