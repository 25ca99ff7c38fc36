namespace Engine.Tests.Testing;

/// <summary>Named tolerances: every numeric assertion in the suite uses one of these.</summary>
public static class Tolerance
{
    /// <summary>SIMD kernel vs scalar reference, relative (float32 sums reassociated).</summary>
    public const float Kernel = 1e-5f;

    /// <summary>Absolute floor for kernel comparisons, scaled by the length of the reduction.</summary>
    public const float KernelAbsolute = 1e-5f;

    /// <summary>Analytic vs central-difference gradient, relative and absolute (see docs/architecture.md).</summary>
    public const double GradCheck = 1e-2;
}
