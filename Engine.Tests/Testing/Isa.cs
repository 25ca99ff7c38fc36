using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Engine.Tests.Testing;

/// <summary>
/// The instruction-set paths of the kernels, widest first. ARM64's AdvSimd (NEON) counts as <see cref="Vector128"/>,
/// as does x86 without AVX2 (SSE).
/// </summary>
public enum IsaPath
{
    /// <summary>512-bit AVX-512 (x86).</summary>
    Avx512,

    /// <summary>256-bit AVX2 with FMA (x86).</summary>
    Avx2,

    /// <summary>128-bit vectors: ARM64 AdvSimd, or x86 SSE when AVX2 is off.</summary>
    Vector128,

    /// <summary>No SIMD: the scalar loops (every machine can run them).</summary>
    Scalar,
}

/// <summary>
/// What the runtime of this test process reports about SIMD, and the one way a test for a path this machine lacks
/// reports it: skipped with the reason, never a silent pass. The same test run under the runtime knobs
/// (<c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c>, <c>DOTNET_EnableHWIntrinsic=0</c>) and on arm64
/// (under QEMU in <c>.ci/run</c>) covers every path. (.NET 10 ignores the older <c>DOTNET_EnableAVX512F=0</c>:
/// measured on an AVX-512 machine, the process still reports AVX-512.)
/// </summary>
public static class Isa
{
    /// <summary>Every path, widest first.</summary>
    public static IReadOnlyList<IsaPath> All { get; } = Enum.GetValues<IsaPath>();

    /// <summary>Every path, as theory data (one test case per path; the missing ones report skipped).</summary>
    public static TheoryData<IsaPath> AllPaths => [.. All];

    /// <summary>Whether this process can run <paramref name="path"/> (the same conditions the kernels test).</summary>
    public static bool Has(IsaPath path) => path switch
    {
        // The AVX-512 kernels test Avx512F.IsSupported (Vector512.IsHardwareAccelerated can be false on CPUs that
        // have AVX-512 but throttle on it, and the kernels still run there).
        IsaPath.Avx512 => Avx512F.IsSupported,
        IsaPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        IsaPath.Vector128 => Vector128.IsHardwareAccelerated,
        IsaPath.Scalar => true,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown ISA path."),
    };

    /// <summary>The widest path this process can run.</summary>
    public static IsaPath Best => All.First(Has);

    /// <summary>The paths this process can run, widest first.</summary>
    public static IReadOnlyList<IsaPath> Available => [.. All.Where(Has)];

    /// <summary>For an attribute's <c>SkipUnless = nameof(Isa.HasAvx512), SkipType = typeof(Isa)</c>.</summary>
    public static bool HasAvx512 => Has(IsaPath.Avx512);

    /// <summary>For <c>SkipUnless</c>, as <see cref="HasAvx512"/>.</summary>
    public static bool HasAvx2 => Has(IsaPath.Avx2);

    /// <summary>For <c>SkipUnless</c>, as <see cref="HasAvx512"/>.</summary>
    public static bool HasVector128 => Has(IsaPath.Vector128);

    /// <summary>The skip reason of a test that needs AVX-512 (a constant, for attributes).</summary>
    public const string NoAvx512 =
        "needs AVX-512: Avx512F.IsSupported is false here (a CPU without AVX-512, or DOTNET_EnableAVX512=0)";

    /// <summary>The skip reason of a test that needs AVX2 and FMA.</summary>
    public const string NoAvx2 =
        "needs AVX2+FMA: Avx2/Fma.IsSupported is false here " +
        "(not x86, or DOTNET_EnableAVX2=0 / DOTNET_EnableHWIntrinsic=0)";

    /// <summary>The skip reason of a test that needs 128-bit SIMD.</summary>
    public const string NoVector128 =
        "needs 128-bit SIMD: Vector128.IsHardwareAccelerated is false here (DOTNET_EnableHWIntrinsic=0)";

    /// <summary>Why <paramref name="path"/> cannot run here.</summary>
    public static string Reason(IsaPath path) => path switch
    {
        IsaPath.Avx512 => NoAvx512,
        IsaPath.Avx2 => NoAvx2,
        IsaPath.Vector128 => NoVector128,
        _ => "",
    } + $" [{Describe()}]";

    /// <summary>Ends the test as skipped, with the reason, where the process cannot run <paramref name="path"/>.
    /// </summary>
    public static void Require(IsaPath path)
    {
        if (!Has(path))
            Assert.Skip(Reason(path));
    }

    /// <summary>Ends the test as skipped, naming <paramref name="what"/>, unless <paramref name="available"/>.
    /// </summary>
    /// <remarks>For a kernel path with its own condition (e.g. "the implicit-GEMM convolution").</remarks>
    public static void Require(bool available, string what, IsaPath path)
    {
        if (!available)
            Assert.Skip($"{what} does not run here; {Reason(path)}");
    }

    /// <summary>
    /// One line of what the runtime reports, e.g. <c>X64: Vector512 True, Vector256 True, Vector128 True,
    /// Vector&lt;T&gt; 32 bytes, Avx512F True, Avx2 True, Fma True, AdvSimd False; best path Avx512</c>.
    /// </summary>
    public static string Describe() =>
        $"{RuntimeInformation.ProcessArchitecture}: Vector512 {Vector512.IsHardwareAccelerated}, " +
        $"Vector256 {Vector256.IsHardwareAccelerated}, Vector128 {Vector128.IsHardwareAccelerated}, " +
        $"Vector<T> {(Vector.IsHardwareAccelerated ? $"{Vector<byte>.Count} bytes" : "not accelerated")}, " +
        $"Avx512F {Avx512F.IsSupported}, Avx2 {Avx2.IsSupported}, Fma {Fma.IsSupported}, " +
        $"AdvSimd {AdvSimd.IsSupported}; best path {Best}";
}

/// <summary>
/// An FsCheck property for one ISA path: it runs where the process has <paramref name="path"/> and reports
/// skipped, with the reason, where it has not (the check happens before any case is drawn, so an FsCheck body
/// never has to skip).
/// </summary>
/// <param name="path">The path the property exercises.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
#pragma warning disable xUnit3003 // FsCheck's PropertyAttribute takes no source information to pass on
public sealed class IsaPropertyAttribute : FsCheck.Xunit.PropertyAttribute
{
    /// <summary>A property of <paramref name="path"/>.</summary>
    public IsaPropertyAttribute(IsaPath path)
    {
        Path = path;
        if (path == IsaPath.Scalar)
            return;
        Skip = Isa.Reason(path);
        SkipType = typeof(Isa);
        SkipUnless = path switch
        {
            IsaPath.Avx512 => nameof(Isa.HasAvx512),
            IsaPath.Avx2 => nameof(Isa.HasAvx2),
            _ => nameof(Isa.HasVector128),
        };
    }

    /// <summary>The path the property exercises.</summary>
    public IsaPath Path { get; }
}
#pragma warning restore xUnit3003
