using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Engine.Kernels;

// Legend: a path is the widest family of SIMD instructions a kernel uses. Every hand-written kernel has one
// implementation per path (or says in its file comment why a narrower path serves), and picks the widest one
// that both the hardware and Simd.Ceiling allow:
//   Avx512     x86 with AVX-512F: 32 zmm registers of 16 floats.
//   Avx2       x86 with AVX2 + FMA: 16 ymm registers of 8 floats (most laptops; every Intel client CPU since 2021).
//   Vector128  128-bit SIMD through the cross-platform Vector128 API: ARM64 AdvSimd (NEON, 32 registers, fused
//              multiply-add) and x86 without AVX2 (16 xmm registers, multiply then add).
//   Scalar     no SIMD (DOTNET_EnableHWIntrinsic=0, or a platform .NET does not vectorise).
// Kernels written over Vector<float> (element-wise passes) are not listed here: the JIT picks Vector<float>'s
// width (32 bytes with AVX2, 16 on ARM64 and x86 without AVX2) and they have no per-path code.

/// <summary>The SIMD paths of the hand-written kernels, narrowest first.</summary>
internal enum SimdPath
{
    /// <summary>No SIMD: the scalar fallbacks.</summary>
    Scalar,

    /// <summary>128-bit vectors: ARM64 AdvSimd, or x86 without AVX2.</summary>
    Vector128,

    /// <summary>x86 AVX2 with FMA (256-bit).</summary>
    Avx2,

    /// <summary>x86 AVX-512F (512-bit).</summary>
    Avx512,
}

/// <summary>Which <see cref="SimdPath"/> the kernels run on this machine, and the switch tests use to lower it.</summary>
internal static class Simd
{
    /// <summary>The widest path this machine (and the runtime's ISA knobs) supports.</summary>
    public static SimdPath Hardware { get; } = Detect();

    /// <summary>
    /// The widest path kernels may use (default: no limit). Tests lower it to run the AVX2, Vector128 and scalar
    /// kernels on a machine that has wider ones; it is process-wide, so only tests that run alone may set it.
    /// </summary>
    public static SimdPath Ceiling { get; set; } = SimdPath.Avx512;

    /// <summary>The path kernels run now: the narrower of <see cref="Hardware"/> and <see cref="Ceiling"/>.</summary>
    public static SimdPath Active => Hardware < Ceiling ? Hardware : Ceiling;

    /// <summary>Whether kernels may use <paramref name="path"/> now.</summary>
    public static bool Allows(SimdPath path) => path <= Active;

    /// <summary>Whether the 128-bit kernels run with a fused multiply-add (ARM64, x86 with FMA).</summary>
    public static bool Vector128Fused => AdvSimd.IsSupported || Fma.IsSupported;

    /// <summary>A short description of the active path for benchmark output, e.g. "Avx2 (x64)".</summary>
    public static string Describe() =>
        $"{Active} ({System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture})" +
        (Active == SimdPath.Vector128 ? (Vector128Fused ? ", fused multiply-add" : ", multiply then add") : "");

    private static SimdPath Detect()
    {
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
            return SimdPath.Avx512;
        if (Avx2.IsSupported && Fma.IsSupported)
            return SimdPath.Avx2;
        if (Vector128.IsHardwareAccelerated)
            return SimdPath.Vector128;
        return SimdPath.Scalar;
    }
}
