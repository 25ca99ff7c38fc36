using Engine.Kernels;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Kernels;

/// <summary>One random fused activation/bias-gradient pass: a (rows, cols) layer output, a column range, which outputs.</summary>
public sealed record ActivationGradCase(int Rows, int Cols, int C0, int C1, ActivationKind Activation, bool WriteGrad,
    bool SumBias, int Seed);

/// <summary>Columns: 1, odd and prime sizes, around the vector widths (8, 16) and the op's 64-column blocks.</summary>
public static class ActivationGradArbitraries
{
    private static readonly int[] Cols = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 130];

    /// <summary>Random cases.</summary>
    public static Arbitrary<ActivationGradCase> Cases() =>
        (from rows in Gen.OneOf(Gen.Elements(1, 2, 3, 5, 8, 17), Gen.Choose(1, 40))
         from cols in Gen.OneOf(Gen.Elements(Cols), Gen.Choose(1, 140))
         from a in Gen.Choose(0, cols)
         from b in Gen.Choose(0, cols)
         from activation in Gen.Elements(ActivationKind.Identity, ActivationKind.Relu, ActivationKind.Sigmoid, ActivationKind.Tanh)
         from writeGrad in Gen.Elements(true, false)
         from sumBias in Gen.Elements(true, false)
         from seed in Gen.Choose(0, int.MaxValue - 1)
         select new ActivationGradCase(rows, cols, Math.Min(a, b), Math.Max(a, b), activation, writeGrad, sumBias, seed))
        .ToArbitrary();
}

[Trait("Layer", "Kernels")]
public sealed class ActivationGradTests
{
    // The SIMD loop does the scalar formula's operations in the same order (no FMA), so it agrees to the bit; columns
    // outside [c0, c1) must stay untouched, and the bias gradient must be accumulated, not overwritten.
    [Property(Arbitrary = [typeof(ActivationGradArbitraries)], MaxTest = 150)]
    public void Backward_RandomShapes_BitwiseEqualsReference(ActivationGradCase t)
    {
        var r = new Random(t.Seed);
        int size = t.Rows * t.Cols;
        var output = new float[size];
        var gradOutput = new float[size];
        for (int i = 0; i < size; i++)
        {
            float z = r.NextSingle() * 6 - 3;
            output[i] = t.Activation switch
            {
                ActivationKind.Relu => Math.Max(z, 0f),
                ActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-z)),
                ActivationKind.Tanh => MathF.Tanh(z),
                _ => z,
            };
            gradOutput[i] = r.NextSingle() * 2 - 1;
        }
        var grad0 = Enumerable.Range(0, size).Select(_ => r.NextSingle()).ToArray();
        var bias0 = Enumerable.Range(0, t.Cols).Select(_ => r.NextSingle()).ToArray();
        var (eGrad, eBias) = ((float[])grad0.Clone(), (float[])bias0.Clone());
        var (aGrad, aBias) = ((float[])grad0.Clone(), (float[])bias0.Clone());
        ActivationGrad.BackwardReference(output, gradOutput, t.Rows, t.Cols, t.C0, t.C1, t.Activation,
            t.WriteGrad ? eGrad : default, t.SumBias ? eBias : default);
        ActivationGrad.Backward(output, gradOutput, t.Rows, t.Cols, t.C0, t.C1, t.Activation,
            t.WriteGrad ? aGrad : default, t.SumBias ? aBias : default);
        TensorAssert.BitwiseEqual(eGrad, aGrad, $"gradPreActivation, {t}");
        TensorAssert.BitwiseEqual(eBias, aBias, $"gradBias, {t}");
        for (int j = 0; j < t.Cols; j++)
        {
            if (j >= t.C0 && j < t.C1) continue;
            Assert.Equal(bias0[j], aBias[j]);
            for (int row = 0; row < t.Rows; row++) Assert.Equal(grad0[row * t.Cols + j], aGrad[row * t.Cols + j]);
        }
    }

    // The reference against the textbook derivatives in double: relu' = [z > 0], σ' = σ(1 − σ), tanh' = 1 − tanh².
    [Property(Arbitrary = [typeof(ActivationGradArbitraries)], MaxTest = 50)]
    public void BackwardReference_MatchesDerivativesInDouble(ActivationGradCase t)
    {
        var r = new Random(t.Seed);
        int size = t.Rows * t.Cols;
        var z = Enumerable.Range(0, size).Select(_ => r.NextDouble() * 6 - 3).ToArray();
        var gy = Enumerable.Range(0, size).Select(_ => r.NextSingle() * 2 - 1).ToArray();
        var y = z.Select(v => (float)(t.Activation switch
        {
            ActivationKind.Relu => Math.Max(v, 0),
            ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-v)),
            ActivationKind.Tanh => Math.Tanh(v),
            _ => v,
        })).ToArray();
        var grad = new float[size];
        var bias = new float[t.Cols];
        ActivationGrad.BackwardReference(y, gy, t.Rows, t.Cols, 0, t.Cols, t.Activation, grad, bias);
        var expectedBias = new double[t.Cols];
        for (int i = 0; i < size; i++)
        {
            double s = 1 / (1 + Math.Exp(-z[i])), th = Math.Tanh(z[i]);
            double derivative = t.Activation switch
            {
                ActivationKind.Relu => z[i] > 0 ? 1 : 0,
                ActivationKind.Sigmoid => s * (1 - s),
                ActivationKind.Tanh => 1 - th * th,
                _ => 1,
            };
            Assert.Equal(gy[i] * derivative, grad[i], Tolerance.KernelAbsolute);
            expectedBias[i % t.Cols] += gy[i] * derivative;
        }
        TensorAssert.AllClose(expectedBias.Select(v => (float)v).ToArray(), bias, Tolerance.Kernel, Tolerance.KernelAbsolute, "gradBias");
    }

    // The autodiff ops' backward (Op.Relu/Sigmoid/Tanh) accumulates through the same derivative structs: against the
    // naive loop gx += gy · act'(y), bitwise, for lengths around the vector widths; relu leaves gx untouched where
    // the unit is off (y <= 0), as the op did when it read x.
    [Property(Arbitrary = [typeof(ActivationGradArbitraries)], MaxTest = 150)]
    public void Accumulate_RandomLengths_BitwiseEqualsNaiveLoop(ActivationGradCase t)
    {
        var r = new Random(t.Seed);
        int n = t.Rows * t.Cols;
        var y = new float[n];
        var gy = new float[n];
        var gx = new float[n];
        for (int i = 0; i < n; i++)
        {
            float z = r.NextSingle() * 6 - 3;
            y[i] = t.Activation switch
            {
                ActivationKind.Relu => Math.Max(z, 0f),
                ActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-z)),
                ActivationKind.Tanh => MathF.Tanh(z),
                _ => z,
            };
            gy[i] = r.NextSingle() * 2 - 1;
            gx[i] = r.NextSingle() * 2 - 1;
        }
        var expected = (float[])gx.Clone();
        for (int i = 0; i < n; i++)
        {
            expected[i] = t.Activation switch
            {
                ActivationKind.Relu => y[i] > 0 ? expected[i] + gy[i] : expected[i],
                ActivationKind.Sigmoid => expected[i] + gy[i] * y[i] * (1f - y[i]),
                ActivationKind.Tanh => expected[i] + gy[i] * (1f - y[i] * y[i]),
                _ => expected[i] + gy[i],
            };
        }
        switch (t.Activation)
        {
            case ActivationKind.Relu: ActivationGrad.Accumulate<ActivationGrad.ReluDerivative>(y, gy, gx); break;
            case ActivationKind.Sigmoid: ActivationGrad.Accumulate<ActivationGrad.SigmoidDerivative>(y, gy, gx); break;
            case ActivationKind.Tanh: ActivationGrad.Accumulate<ActivationGrad.TanhDerivative>(y, gy, gx); break;
            default: ActivationGrad.Accumulate<ActivationGrad.IdentityDerivative>(y, gy, gx); break;
        }
        TensorAssert.BitwiseEqual(expected, gx, $"gradInput, {t}");
    }
}
