using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Engine.Tests.Kernels.ConvData;

namespace Engine.Tests.Kernels;

/// <summary>
/// The implicit-GEMM convolution path (ConvImplicit, ConvImplicitInput) against the scalar references, on every SIMD
/// path this machine runs (its kernel: 8 × 32 AVX-512, 6 × 16 AVX2, 6 × 8 Vector128). The path normally runs only
/// for half-full panels (and 32 or more taps forward); these tests force it, so that small random shapes (1, odd and
/// prime channel counts, around the 8-, 16- and 32-wide panels, pixel counts that leave partial 6- and 8-row tiles)
/// go through it.
/// </summary>
[Trait("Layer", "Kernels")]
[Collection("Parallelism")]
public sealed class ConvImplicitTests
{
    private const int Cases = 40;

    /// <summary>Random shapes with up to 40 channels on either side (so tiles span one or two panels).</summary>
    public static class Shapes
    {
        public static Arbitrary<ConvCase> Conv() => ConvArbitraries.ConvShapes(
            Gen.Elements(1, 2, 3, 7, 16, 17, 31, 32, 33, 40), Gen.Elements(1, 2, 5, 13, 16, 31, 32, 33, 40), 9, 4)
            .ToArbitrary();

        public static Arbitrary<ConvTransposeCase> ConvTranspose() => ConvArbitraries.ConvTransposeShapes(
            Gen.Elements(1, 3, 16, 32, 33), Gen.Elements(1, 2, 17, 32, 40), 8, 4).ToArbitrary();
    }

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what) =>
        TensorAssert.AllClose(expected, actual, Tolerance.Kernel, 40 * Tolerance.KernelAbsolute, what);

    /// <summary>The SIMD paths that have an implicit-GEMM kernel and that this machine runs, widest first.</summary>
    private static readonly string[] ImplicitPaths =
        [.. SimdScope.PathNamesHere.Where(p => p != nameof(SimdPath.Scalar))];

    /// <summary>Every path with an implicit-GEMM kernel (the ones this machine lacks report "skipped").</summary>
    private static readonly string[] AllImplicitPaths =
        [.. SimdScope.AllPathNames.Where(p => p != nameof(SimdPath.Scalar))];

    public static TheoryData<string> ImplicitPathsAll => new(AllImplicitPaths);

    // One of the machine's paths, picked by an arbitrary int the property draws. The properties need one: without SIMD
    // (DOTNET_EnableHWIntrinsic=0) there is no implicit kernel, and they report skipped (IsaProperty, Vector128).
    private static SimdScope PathOf(int pick) =>
        SimdScope.Limit(ImplicitPaths[(int)((uint)pick % (uint)ImplicitPaths.Length)]);

    [IsaProperty(IsaPath.Vector128, Arbitrary = [typeof(Shapes)], MaxTest = Cases)]
    public void Conv2D_AllKernels_MatchReference_AndAccumulate(ConvCase c, int pathPick)
    {
        Conv2DShape s = c.Shape;
        var random = new Random(c.Seed);
        float[] x = Uniform(random, s.InputLength), w = Uniform(random, s.WeightLength), b = Uniform(random, s.OC),
            g = Uniform(random, s.OutputLength);
        using var simd = PathOf(pathPick);
        using var path = ImplicitPath.Force();
        Assert.True(ConvImplicit.IsOn, $"the implicit path is off on {Simd.Active}");

        float[] expected = new float[s.OutputLength], actual = new float[s.OutputLength];
        Conv2DKernel.ForwardReference(x, w, b, s, expected);
        Conv2DKernel.Forward(x, w, b, s, actual);
        Close(expected, actual, $"Forward {c}");
        Conv2DKernel.ForwardReference(x, w, [], s, expected);
        Conv2DKernel.Forward(x, w, [], s, actual);
        Close(expected, actual, $"Forward without bias {c}");

        // Start from non-zero gradients: the kernels must add to them.
        float[] start = Uniform(random, s.InputLength), startW = Uniform(random, s.WeightLength);
        float[] gi = (float[])start.Clone(), giRef = (float[])start.Clone();
        Conv2DKernel.BackwardInputReference(g, w, s, giRef);
        Conv2DKernel.BackwardInput(g, w, s, gi);
        Close(giRef, gi, $"BackwardInput {c}");
        float[] gw = (float[])startW.Clone(), gwRef = (float[])startW.Clone();
        Conv2DKernel.BackwardWeightReference(x, g, s, gwRef);
        Conv2DKernel.BackwardWeight(x, g, s, gw);
        Close(gwRef, gw, $"BackwardWeight {c}");

        // The fused backward is the two kernels, bit for bit.
        float[] gi2 = (float[])start.Clone(), gw2 = (float[])startW.Clone();
        Conv2DKernel.Backward(x, g, w, s, gi2, gw2);
        TensorAssert.BitwiseEqual(gi, gi2, $"fused BackwardInput {c}");
        TensorAssert.BitwiseEqual(gw, gw2, $"fused BackwardWeight {c}");
    }

    [IsaProperty(IsaPath.Vector128, Arbitrary = [typeof(Shapes)], MaxTest = Cases)]
    public void ConvTranspose2D_AllKernels_MatchReference(ConvTransposeCase c, int pathPick)
    {
        ConvTranspose2DShape s = c.Shape;
        var random = new Random(c.Seed);
        float[] x = Uniform(random, s.InputLength), w = Uniform(random, s.WeightLength), b = Uniform(random, s.OC),
            g = Uniform(random, s.OutputLength);
        using var simd = PathOf(pathPick);
        using var path = ImplicitPath.Force();
        Assert.True(ConvImplicit.IsOn, $"the implicit path is off on {Simd.Active}");

        float[] expected = new float[s.OutputLength], actual = new float[s.OutputLength];
        ConvTranspose2DKernel.ForwardReference(x, w, b, s, expected);
        ConvTranspose2DKernel.Forward(x, w, b, s, actual);
        Close(expected, actual, $"Forward {c}");

        float[] start = Uniform(random, s.InputLength);
        float[] gi = (float[])start.Clone(), giRef = (float[])start.Clone();
        ConvTranspose2DKernel.BackwardInputReference(g, w, s, giRef);
        ConvTranspose2DKernel.BackwardInput(g, w, s, gi);
        Close(giRef, gi, $"BackwardInput {c}");
        float[] gw = new float[s.WeightLength], gwRef = new float[s.WeightLength];
        ConvTranspose2DKernel.BackwardWeightReference(x, g, s, gwRef);
        ConvTranspose2DKernel.BackwardWeight(x, g, s, gw);
        Close(gwRef, gw, $"BackwardWeight {c}");
    }

    public static TheoryData<string, int, int, int, int, bool> AutoencoderLayers()
    {
        // The conv-autoencoder layers (3×3, stride 2, padding 1) at batch 3: in channels, out channels, size, transposed.
        var data = new TheoryData<string, int, int, int, int, bool>();
        foreach (string simd in AllImplicitPaths)
        {
            data.Add(simd, 1, 32, 28, 0, false);
            data.Add(simd, 32, 64, 14, 0, false);
            data.Add(simd, 64, 32, 7, 1, true);
            data.Add(simd, 32, 1, 14, 1, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AutoencoderLayers))]
    public void AutoencoderLayers_ImplicitPath_AgreesWithIm2ColPath(string simdPath, int inChannels, int outChannels,
        int size, int outputPadding, bool transposed)
    {
        using var simd = SimdScope.Limit(simdPath);
        var results = new List<float[][]>();
        foreach (bool useImplicit in new[] { true, false })
        {
            using var path = useImplicit ? ImplicitPath.Force() : ImplicitPath.Disable();
            results.Add(transposed
                ? RunTranspose(new ConvTranspose2DShape(3, inChannels, size, size, outChannels, 3, 3, 2, 1, outputPadding), new Random(1))
                : RunConv(new Conv2DShape(3, inChannels, size, size, outChannels, 3, 3, 2, 1), new Random(1)));
        }
        string[] names = ["forward", "input gradient", "weight gradient"];
        for (int i = 0; i < names.Length; i++)
            Close(results[1][i], results[0][i], $"{names[i]}, implicit vs im2col");
    }

    [Theory]
    [MemberData(nameof(ImplicitPathsAll))]
    public void AllKernels_AreBitwiseIdentical_ForAnyThreadCount(string simdPath)
    {
        using var simd = SimdScope.Limit(simdPath);
        // Above the parallel threshold (2^20 multiply-adds), with partial tiles and two panels, and 20 images: three
        // groups of at most 8, so the forward and input-gradient groups and the weight gradient's slices are spread
        // over the threads (a batch of one group would run on one thread whatever MaxThreads says).
        var conv = new Conv2DShape(20, 17, 11, 13, 40, 3, 3, 1, 1);
        var transpose = new ConvTranspose2DShape(20, 40, 7, 6, 33, 3, 3, 2, 1, 1);
        using var path = ImplicitPath.Force();
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            float[][] one = [.. RunConv(conv, new Random(2)), .. RunTranspose(transpose, new Random(3))];
            foreach (int threads in new[] { 2, 3 })
            {
                Parallelism.MaxThreads = threads;
                float[][] many = [.. RunConv(conv, new Random(2)), .. RunTranspose(transpose, new Random(3))];
                for (int i = 0; i < one.Length; i++)
                    TensorAssert.BitwiseEqual(one[i], many[i], $"result {i} with {threads} threads");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    private static float[][] RunConv(Conv2DShape s, Random random)
    {
        float[] x = Uniform(random, s.InputLength), w = Uniform(random, s.WeightLength), b = Uniform(random, s.OC),
            g = Uniform(random, s.OutputLength);
        float[] y = new float[s.OutputLength], gi = new float[s.InputLength], gw = new float[s.WeightLength];
        Conv2DKernel.Forward(x, w, b, s, y);
        Conv2DKernel.Backward(x, g, w, s, gi, gw);
        return [y, gi, gw];
    }

    private static float[][] RunTranspose(ConvTranspose2DShape s, Random random)
    {
        float[] x = Uniform(random, s.InputLength), w = Uniform(random, s.WeightLength), b = Uniform(random, s.OC),
            g = Uniform(random, s.OutputLength);
        float[] y = new float[s.OutputLength], gi = new float[s.InputLength], gw = new float[s.WeightLength];
        ConvTranspose2DKernel.Forward(x, w, b, s, y);
        ConvTranspose2DKernel.BackwardInput(g, w, s, gi);
        ConvTranspose2DKernel.BackwardWeight(x, g, s, gw);
        return [y, gi, gw];
    }

    /// <summary>Forces (or disables) the implicit path for the test's duration, restoring the settings after.</summary>
    private sealed class ImplicitPath : IDisposable
    {
        private readonly bool _enabled = ConvImplicit.Enabled;
        private readonly bool _forced = ConvImplicit.Forced;

        private ImplicitPath(bool enabled, bool forced)
        {
            ConvImplicit.Enabled = enabled;
            ConvImplicit.Forced = forced;
        }

        public static ImplicitPath Force() => new(true, true);

        public static ImplicitPath Disable() => new(false, false);

        public void Dispose()
        {
            ConvImplicit.Enabled = _enabled;
            ConvImplicit.Forced = _forced;
        }
    }
}
