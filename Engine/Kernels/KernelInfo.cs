namespace Engine.Kernels;

/// <summary>
/// What the kernels run on, for logs and reports: a timing means little without the instruction-set path that
/// produced it (the same code runs AVX-512, AVX2, 128-bit or scalar kernels depending on the CPU and the runtime's
/// knobs, see docs/performance.md).
/// </summary>
public static class KernelInfo
{
    /// <summary>The SIMD path the hand-written kernels use now, e.g. "Avx2 (X64)" or "Vector128 (Arm64), fused multiply-add".</summary>
    public static string SimdPath => Simd.Describe();
}
