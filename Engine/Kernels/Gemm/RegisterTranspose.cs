using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

// Legend: a block of r rows × r columns held in r vector registers; after the transpose, register i holds column i.
// Used where a kernel's layout and its destination's disagree: packing rows of a matrix into p-major panels
// (GemmPacking) and storing a pixels × channels tile into NCHW (ImplicitGemmTiles).

/// <summary>In-register transposes of 4 × 4 (Vector128: x86 SSE or ARM64 AdvSimd) and 8 × 8 (AVX) float blocks.</summary>
internal static unsafe class RegisterTranspose
{
    /// <summary>Whether the 4 × 4 transpose has an instruction sequence on this machine (x86 or ARM64).</summary>
    public static bool Has4x4 => Sse.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>
    /// Transposes rows r0..r3 in place: unpack pairs of rows, then combine their halves (x86: unpcklps/unpckhps +
    /// movlhps/movhlps; ARM64: zip1/zip2 on 32-bit and then 64-bit lanes). Needs <see cref="Has4x4"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose4x4(ref Vector128<float> r0, ref Vector128<float> r1, ref Vector128<float> r2,
        ref Vector128<float> r3)
    {
        if (Sse.IsSupported)
        {
            var t0 = Sse.UnpackLow(r0, r1);    // a0 b0 a1 b1
            var t1 = Sse.UnpackHigh(r0, r1);   // a2 b2 a3 b3
            var t2 = Sse.UnpackLow(r2, r3);    // c0 d0 c1 d1
            var t3 = Sse.UnpackHigh(r2, r3);   // c2 d2 c3 d3
            r0 = Sse.MoveLowToHigh(t0, t2);    // a0 b0 c0 d0
            r1 = Sse.MoveHighToLow(t2, t0);    // a1 b1 c1 d1
            r2 = Sse.MoveLowToHigh(t1, t3);
            r3 = Sse.MoveHighToLow(t3, t1);
        }
        else
        {
            var t0 = AdvSimd.Arm64.ZipLow(r0, r1).AsDouble();
            var t1 = AdvSimd.Arm64.ZipHigh(r0, r1).AsDouble();
            var t2 = AdvSimd.Arm64.ZipLow(r2, r3).AsDouble();
            var t3 = AdvSimd.Arm64.ZipHigh(r2, r3).AsDouble();
            r0 = AdvSimd.Arm64.ZipLow(t0, t2).AsSingle();
            r1 = AdvSimd.Arm64.ZipHigh(t0, t2).AsSingle();
            r2 = AdvSimd.Arm64.ZipLow(t1, t3).AsSingle();
            r3 = AdvSimd.Arm64.ZipHigh(t1, t3).AsSingle();
        }
    }

    /// <summary>Transposes the 4 × 4 block at src (row stride ld) into dst (row stride dstStride).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose4x4(float* src, nint ld, float* dst, nint dstStride)
    {
        var r0 = Vector128.Load(src);
        var r1 = Vector128.Load(src + ld);
        var r2 = Vector128.Load(src + 2 * ld);
        var r3 = Vector128.Load(src + 3 * ld);
        Transpose4x4(ref r0, ref r1, ref r2, ref r3);
        r0.Store(dst);
        r1.Store(dst + dstStride);
        r2.Store(dst + 2 * dstStride);
        r3.Store(dst + 3 * dstStride);
    }

    /// <summary>
    /// Transposes the 6 × 8 block at src (row stride ld) into 8 rows of 6 floats packed back to back at dst (the
    /// p-major layout of a 6-row GEMM panel): the 8 × 8 sequence below with rows 6 and 7 zero, each result stored
    /// whole, so each store spills 2 floats onto the next row, which the next store overwrites. The last store spills
    /// 2 floats past <c>dst + 48</c>: the caller must own them and write them afterwards (or not care). Needs AVX.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose6x8Packed(float* src, nint ld, float* dst)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + ld);
        var r2 = Avx.LoadVector256(src + 2 * ld);
        var r3 = Avx.LoadVector256(src + 3 * ld);
        var r4 = Avx.LoadVector256(src + 4 * ld);
        var r5 = Avx.LoadVector256(src + 5 * ld);
        var zero = Vector256<float>.Zero;
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, zero, 0x44);
        var u5 = Avx.Shuffle(t4, zero, 0xEE);
        var u6 = Avx.Shuffle(t5, zero, 0x44);
        var u7 = Avx.Shuffle(t5, zero, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + 6, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 12, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 18, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 24, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 30, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 36, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 42, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>
    /// Transposes the 8 × 8 block at src (row stride ld) into dst (row stride dstStride), the classic
    /// unpack / shuffle / permute sequence: 24 shuffles for 64 elements. Needs AVX.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose8x8(float* src, nint ld, float* dst, nint dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + ld);
        var r2 = Avx.LoadVector256(src + 2 * ld);
        var r3 = Avx.LoadVector256(src + 3 * ld);
        var r4 = Avx.LoadVector256(src + 4 * ld);
        var r5 = Avx.LoadVector256(src + 5 * ld);
        var r6 = Avx.LoadVector256(src + 6 * ld);
        var r7 = Avx.LoadVector256(src + 7 * ld);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
