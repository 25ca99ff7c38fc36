using Engine.Autodiff.Ops;
using Engine.Kernels;
using Engine.Tensors;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Autodiff;

/// <summary>
/// The fused Linear + activation op: equal to the unfused composition (forward and every gradient), gradient-checked,
/// and bitwise identical on 1, 2 and 3 threads at sizes where its parallel passes engage.
/// </summary>
[Trait("Layer", "Autodiff")]
[Collection(ParallelismCollection.Name)]
public sealed class LinearActivationTests
{
    private static readonly ActivationKind[] Activations =
        [ActivationKind.Identity, ActivationKind.Relu, ActivationKind.Sigmoid, ActivationKind.Tanh];

    private static Tensor Unfused(Tensor x, Tensor w, Tensor? b, ActivationKind activation)
    {
        var z = Op.Linear(x, w, b);
        return activation switch
        {
            ActivationKind.Relu => Op.Relu(z),
            ActivationKind.Sigmoid => Op.Sigmoid(z),
            ActivationKind.Tanh => Op.Tanh(z),
            _ => z,
        };
    }

    // Forward, then backward of Σ y·u (u random, so every output element gets its own upstream gradient).
    private static float[][] Run(Func<Tensor, Tensor, Tensor?, Tensor> layer, int seed, int rows, int inF, int outF, bool bias)
    {
        var r = new Random(seed);
        var x = OpGen.Leaf(r, OpGen.Uniform(-1, 1), rows, inF);
        var w = OpGen.Leaf(r, OpGen.Uniform(-1, 1), outF, inF);
        var b = bias ? OpGen.Leaf(r, OpGen.Uniform(-1, 1), outF) : null;
        var u = OpGen.Tensor(r, OpGen.Uniform(-1, 1), rows, outF);
        var y = layer(x, w, b);
        Op.Sum(Op.Mul(y, u)).Backward();
        return [y.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b?.Grad!.ToArray() ?? []];
    }

    [Property(MaxTest = 40)]
    public Property Fused_EqualsUnfusedComposition() => Prop.ForAll(
        (from rows in OpGen.Dim from inF in OpGen.Dim from outF in Gen.OneOf(OpGen.Dim, Gen.Choose(60, 70))
         from activation in Gen.Elements(Activations) from bias in Gen.Elements(true, false) from seed in OpGen.Seed
         select (rows, inF, outF, activation, bias, seed)).ToArbitrary(),
        c =>
        {
            var fused = Run((x, w, b) => Op.Linear(x, w, b, c.activation), c.seed, c.rows, c.inF, c.outF, c.bias);
            var unfused = Run((x, w, b) => Unfused(x, w, b, c.activation), c.seed, c.rows, c.inF, c.outF, c.bias);
            string[] names = ["y", "dx", "dw", "db"];
            for (int i = 0; i < names.Length; i++)
                TensorAssert.AllClose(unfused[i], fused[i], Tolerance.Kernel, Tolerance.KernelAbsolute, $"{names[i]}, {c}");
        });

    // Smooth activations only: relu's kink cannot be kept 0.05 away from every pre-activation of a random layer;
    // the fused relu is covered by the equality with the composition above.
    [Property(MaxTest = 20)]
    public Property Fused_SmoothActivations_MatchGradCheck() => Prop.ForAll(
        (from rows in OpGen.SmallDim from inF in OpGen.SmallDim from outF in OpGen.SmallDim
         from activation in Gen.Elements(ActivationKind.Sigmoid, ActivationKind.Tanh, ActivationKind.Identity)
         from seed in OpGen.Seed select (rows, inF, outF, activation, seed)).ToArbitrary(),
        c =>
        {
            var r = new Random(c.seed);
            var x = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.rows, c.inF);
            var w = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.outF, c.inF);
            var b = OpGen.Leaf(r, OpGen.Uniform(-1, 1), c.outF);
            OpGen.AssertGradients($"Linear+{c.activation}", () => Op.Linear(x, w, b, c.activation), x, w, b);
        });

    [Fact]
    public void Fused_OneTwoAndThreeThreads_GiveBitwiseIdenticalResults()
    {
        int saved = Parallelism.MaxThreads;
        try
        {
            foreach (var activation in Activations)
            {
                Parallelism.MaxThreads = 1;
                var one = Run((x, w, b) => Op.Linear(x, w, b, activation), Seeds.Default, 150, 70, 200, true);
                foreach (int threads in new[] { 2, 3 })
                {
                    Parallelism.MaxThreads = threads;
                    var other = Run((x, w, b) => Op.Linear(x, w, b, activation), Seeds.Default, 150, 70, 200, true);
                    for (int i = 0; i < one.Length; i++)
                        TensorAssert.BitwiseEqual(one[i], other[i], $"{activation}, output {i}, {threads} threads");
                }
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void Fused_UndefinedActivation_ThrowsNamingLinear()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Op.Linear(Tensor.Zeros(2, 3), Tensor.Zeros(4, 3), null, (ActivationKind)42));
        Assert.Contains("Linear", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fused_EmptyInputFeatures_GivesActivationOfBiasOnEveryRow()
    {
        // k = 0: every output is act(bias), even in a pooled scope where the output storage is reused unzeroed.
        using (TensorScope.Begin()) Tensor.Full(7f, 3, 2);
        using var scope = TensorScope.Begin();
        var bias = Tensor.FromArray([0.5f, -2f], 2);
        var y = Op.Linear(Tensor.Zeros(3, 0), Tensor.Zeros(2, 0), bias, ActivationKind.Relu);
        Assert.Equal([0.5f, 0f, 0.5f, 0f, 0.5f, 0f], y.ToArray());
    }
}
