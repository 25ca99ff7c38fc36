using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

/// <summary>
/// The 128-bit micro-kernel for machines with 16 vector registers (x86 without AVX2): a 6 × 8 tile in 12 xmm
/// accumulators, plus two b vectors and one broadcast (15 registers, no spills). Written with the cross-platform
/// Vector128 API; ARM64, with 32 registers, runs the wider <see cref="GemmMicroKernelArm64"/> instead.
/// </summary>
/// <remarks>
/// <see cref="Vector128.MultiplyAddEstimate(Vector128{float}, Vector128{float}, Vector128{float})"/> is one fused
/// multiply-add where the hardware has one and a multiply then an add where it does not (x86 without FMA), so the
/// path never falls back to a software-emulated fused multiply-add. Its results therefore round differently on
/// the two kinds of machine (docs/performance.md, "Which results differ between paths").
/// </remarks>
internal readonly unsafe struct GemmMicroKernel128 : IGemmMicroKernel
{
    public static int MR => 6;

    public static int NR => 8;

    // A 256-deep b panel is 8 KiB (L1), the 96 × 256 block of a 96 KiB (L2); 384 / 192 measured the same.
    public static int KC => 256;

    public static int MC => 96;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, float* a, float* b, float* c, nint ldc, bool add)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector128.LoadAligned(b);
            var b1 = Vector128.LoadAligned(b + 4);
            var ai = Broadcast(a);
            c00 = Vector128.MultiplyAddEstimate(ai, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(ai, b1, c01);
            ai = Broadcast(a + 1);
            c10 = Vector128.MultiplyAddEstimate(ai, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(ai, b1, c11);
            ai = Broadcast(a + 2);
            c20 = Vector128.MultiplyAddEstimate(ai, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(ai, b1, c21);
            ai = Broadcast(a + 3);
            c30 = Vector128.MultiplyAddEstimate(ai, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(ai, b1, c31);
            ai = Broadcast(a + 4);
            c40 = Vector128.MultiplyAddEstimate(ai, b0, c40);
            c41 = Vector128.MultiplyAddEstimate(ai, b1, c41);
            ai = Broadcast(a + 5);
            c50 = Vector128.MultiplyAddEstimate(ai, b0, c50);
            c51 = Vector128.MultiplyAddEstimate(ai, b1, c51);
            a += 6;
            b += 8;
        }
        Store(c, add, c00, c01);
        Store(c + ldc, add, c10, c11);
        Store(c + 2 * ldc, add, c20, c21);
        Store(c + 3 * ldc, add, c30, c31);
        Store(c + 4 * ldc, add, c40, c41);
        Store(c + 5 * ldc, add, c50, c51);
    }

    // One float into every lane. With AVX (x86 without AVX2 usually has it) a broadcast load is one load µop;
    // Vector128.Create from memory would be a load plus a shuffle that competes with the multiplies for the
    // floating-point pipes (39 → 51 GFLOP/s for the kernel alone). ARM64 loads and replicates in one instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Broadcast(float* p) =>
        Avx.IsSupported ? Avx.BroadcastScalarToVector128(p) : Vector128.Create(*p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* row, bool add, Vector128<float> v0, Vector128<float> v1)
    {
        if (add)
        {
            v0 += Vector128.Load(row);
            v1 += Vector128.Load(row + 4);
        }
        v0.Store(row);
        v1.Store(row + 4);
    }
}
