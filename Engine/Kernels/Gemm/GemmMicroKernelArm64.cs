using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace Engine.Kernels;

/// <summary>
/// The 128-bit micro-kernel for ARM64 (AdvSimd, 32 vector registers): an 8 × 12 tile in 24 accumulators, plus
/// three b vectors and one broadcast, the NEON shape BLIS uses on ARMv8. Twenty-four independent accumulators cover
/// the fused multiply-add latency of wide cores (four pipes × four cycles on Apple's). Written with the
/// cross-platform Vector128 API, so x86 runs it too (tests force it there), only with spills: x86 without AVX2 runs
/// <see cref="GemmMicroKernel128"/>.
/// </summary>
internal readonly unsafe struct GemmMicroKernelArm64 : IGemmMicroKernel
{
    public static int MR => 8;

    public static int NR => 12;

    // Not measured (no ARM64 machine here): BLIS's ARMv8 blocking is MC 120 / KC 640 for larger L2s; a 256-deep
    // block keeps the 12-wide b panel at 12 KiB, well inside any ARM64 L1.
    public static int KC => 256;

    public static int MC => 120;

    public static bool IsSupported => AdvSimd.Arm64.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, float* a, float* b, float* c, nint ldc, bool add)
    {
        Vector128<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector128<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector128<float> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector128<float> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector128.LoadAligned(b);
            var b1 = Vector128.LoadAligned(b + 4);
            var b2 = Vector128.LoadAligned(b + 8);
            var ai = Broadcast(a);
            c00 = Vector128.MultiplyAddEstimate(ai, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(ai, b1, c01);
            c02 = Vector128.MultiplyAddEstimate(ai, b2, c02);
            ai = Broadcast(a + 1);
            c10 = Vector128.MultiplyAddEstimate(ai, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(ai, b1, c11);
            c12 = Vector128.MultiplyAddEstimate(ai, b2, c12);
            ai = Broadcast(a + 2);
            c20 = Vector128.MultiplyAddEstimate(ai, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(ai, b1, c21);
            c22 = Vector128.MultiplyAddEstimate(ai, b2, c22);
            ai = Broadcast(a + 3);
            c30 = Vector128.MultiplyAddEstimate(ai, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(ai, b1, c31);
            c32 = Vector128.MultiplyAddEstimate(ai, b2, c32);
            ai = Broadcast(a + 4);
            c40 = Vector128.MultiplyAddEstimate(ai, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(ai, b1, c41);
            c42 = Vector128.MultiplyAddEstimate(ai, b2, c42);
            ai = Broadcast(a + 5);
            c50 = Vector128.MultiplyAddEstimate(ai, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(ai, b1, c51);
            c52 = Vector128.MultiplyAddEstimate(ai, b2, c52);
            ai = Broadcast(a + 6);
            c60 = Vector128.MultiplyAddEstimate(ai, b0, c60);
            c61 = Vector128.MultiplyAddEstimate(ai, b1, c61);
            c62 = Vector128.MultiplyAddEstimate(ai, b2, c62);
            ai = Broadcast(a + 7);
            c70 = Vector128.MultiplyAddEstimate(ai, b0, c70);
            c71 = Vector128.MultiplyAddEstimate(ai, b1, c71);
            c72 = Vector128.MultiplyAddEstimate(ai, b2, c72);
            a += 8;
            b += 12;
        }
        Store(c, add, c00, c01, c02);
        Store(c + ldc, add, c10, c11, c12);
        Store(c + 2 * ldc, add, c20, c21, c22);
        Store(c + 3 * ldc, add, c30, c31, c32);
        Store(c + 4 * ldc, add, c40, c41, c42);
        Store(c + 5 * ldc, add, c50, c51, c52);
        Store(c + 6 * ldc, add, c60, c61, c62);
        Store(c + 7 * ldc, add, c70, c71, c72);
    }

    // One float into every lane. With AVX (x86 without AVX2 usually has it) a broadcast load is one load µop;
    // Vector128.Create from memory would be a load plus a shuffle that competes with the multiplies for the
    // floating-point pipes (39 → 51 GFLOP/s for GemmMicroKernel128 alone). ARM64 loads and replicates in one instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Broadcast(float* p) =>
        Avx.IsSupported ? Avx.BroadcastScalarToVector128(p) : Vector128.Create(*p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, bool add, Vector128<float> v0, Vector128<float> v1, Vector128<float> v2)
    {
        if (add)
        {
            v0 += Vector128.Load(row);
            v1 += Vector128.Load(row + 4);
            v2 += Vector128.Load(row + 8);
        }
        v0.Store(row);
        v1.Store(row + 4);
        v2.Store(row + 8);
    }
}
