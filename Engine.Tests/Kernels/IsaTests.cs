using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Engine.Tests.Testing;

namespace Engine.Tests.Kernels;

/// <summary>
/// The ISA this test process runs on. <c>.ci/run</c> runs the suite under each runtime knob and on arm64 and says
/// which ISA each stage means in <c>ENGINE_EXPECT_ISA</c>; if a knob silently stopped working, the stage would test
/// the wrong path and pass, so this test fails instead. Without the variable it only reports what it sees.
/// </summary>
[Trait("Layer", "Kernels")]
public sealed class IsaTests
{
    /// <summary>Names a stage may expect, and the path each means.</summary>
    private static readonly Dictionary<string, IsaPath> Expectations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["avx512"] = IsaPath.Avx512,
        ["avx2"] = IsaPath.Avx2,
        ["vector128"] = IsaPath.Vector128,
        ["scalar"] = IsaPath.Scalar,
        ["arm64"] = IsaPath.Vector128,
    };

    [Fact]
    public void Runtime_SeesTheIsaTheStageExpects()
    {
        string seen = Isa.Describe();
        TestContext.Current.TestOutputHelper?.WriteLine(seen);
        // .ci/run prints this file, so its log says what the test process itself saw (not a separate probe).
        string? report = Environment.GetEnvironmentVariable("ENGINE_ISA_REPORT");
        if (!string.IsNullOrEmpty(report))
            File.WriteAllText(report, seen + Environment.NewLine);

        string? expected = Environment.GetEnvironmentVariable("ENGINE_EXPECT_ISA");
        if (string.IsNullOrEmpty(expected))
            return; // a developer's run: nothing was promised, the line above says what ran
        Assert.True(Expectations.TryGetValue(expected, out var path),
            $"ENGINE_EXPECT_ISA={expected} is not one of {string.Join(", ", Expectations.Keys)}");
        Assert.True(Isa.Best == path, $"ENGINE_EXPECT_ISA={expected} (path {path}), but the runtime reports {seen}");
        switch (path)
        {
            case IsaPath.Avx512:
                Assert.True(Avx512F.IsSupported && Avx2.IsSupported, seen);
                break;
            case IsaPath.Avx2:
                Assert.True(!Avx512F.IsSupported && !Vector512.IsHardwareAccelerated, seen);
                Assert.True(Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported, seen);
                break;
            case IsaPath.Vector128:
                Assert.True(!Vector256.IsHardwareAccelerated && !Avx2.IsSupported && !Fma.IsSupported, seen);
                Assert.True(Vector128.IsHardwareAccelerated && Vector.IsHardwareAccelerated, seen);
                break;
            case IsaPath.Scalar:
                Assert.True(!Vector128.IsHardwareAccelerated && !Vector.IsHardwareAccelerated, seen);
                break;
        }
        bool arm64 = expected.Equals("arm64", StringComparison.OrdinalIgnoreCase);
        Assert.True(arm64 == (RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64), seen);
        if (arm64)
            Assert.True(AdvSimd.IsSupported && AdvSimd.Arm64.IsSupported, seen);
    }

    [Theory]
    [MemberData(nameof(Isa.AllPaths), MemberType = typeof(Isa))]
    public void Require_SkipsExactlyThePathsTheRuntimeLacks(IsaPath path)
    {
        Isa.Require(path);
        // Reached only where the path runs: its vectors must then be hardware-accelerated.
        switch (path)
        {
            case IsaPath.Avx512: Assert.True(Avx512F.IsSupported); break;
            case IsaPath.Avx2: Assert.True(Vector256.IsHardwareAccelerated && Fma.IsSupported); break;
            case IsaPath.Vector128: Assert.True(Vector128.IsHardwareAccelerated); break;
        }
        Assert.Contains(path, Isa.Available);
        Assert.True(path >= Isa.Best, $"{path} runs, but the best path is {Isa.Best}");
    }
}
