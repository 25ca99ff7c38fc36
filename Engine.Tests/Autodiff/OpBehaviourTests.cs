using Engine.Autodiff.Ops;
using Engine.Tensors;
using Engine.Tests.Testing;

namespace Engine.Tests.Autodiff;

/// <summary>
/// Hand-computed gradients (broadcast reductions, cross-entropy, KL), backward idempotence for every op, and the
/// wording of shape errors.
/// </summary>
[Trait("Layer", "Autodiff")]
public sealed class OpBehaviourTests
{
    private static Tensor Param(float[] values, params int[] shape)
    {
        var t = Tensor.FromArray(values, shape);
        t.RequiresGrad = true;
        return t;
    }

    private static readonly Tensor Seed23 = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);

    [Fact]
    public void BroadcastGradients_SumOverTheStretchedDimensions()
    {
        // a (2, 3) ∘ b with seed G = [[1, 2, 3], [4, 5, 6]]: a broadcast operand gets G summed over what it was
        // stretched along.
        var a = Param([1, 2, 3, 4, 5, 6], 2, 3);
        var row = Param([10, 20, 30], 3);
        (a + row).Backward(Seed23);
        TensorAssert.AllClose([1, 2, 3, 4, 5, 6], a.Grad!.ReadOnlySpan, 0, 0, "Add: a");
        TensorAssert.AllClose([5, 7, 9], row.Grad!.ReadOnlySpan, 0, 0, "Add: row = column sums of G");

        var column = Param([10, 20], 2, 1);
        (a - column).Backward(Seed23);
        TensorAssert.AllClose([-6, -15], column.Grad!.ReadOnlySpan, 0, 0, "Sub: column = -row sums of G");

        var scalar = Param([7], []);
        (scalar * a).Backward(Seed23);
        TensorAssert.AllClose([1 + 4 + 9 + 16 + 25 + 36], scalar.Grad!.ReadOnlySpan, 0, 0, "Mul: scalar = Σ G⊙a");

        a.ZeroGrad();
        row.ZeroGrad();
        (a * row).Backward(Seed23);
        TensorAssert.AllClose([10, 40, 90, 40, 100, 180], a.Grad!.ReadOnlySpan, 0, 0, "Mul: a = G⊙b");
        TensorAssert.AllClose([1 + 16, 4 + 25, 9 + 36], row.Grad!.ReadOnlySpan, 0, 0, "Mul: b = Σ_rows G⊙a");

        var divisor = Param([2, 4, 8], 3);
        (a / divisor).Backward(Seed23);
        // d(a/b)/db = -a/b²: column j sums -G·a/b_j².
        TensorAssert.AllClose([-17f / 4, -29f / 16, -45f / 64], divisor.Grad!.ReadOnlySpan, 0, 0, "Div: b");
    }

    [Fact]
    public void BroadcastGradients_GeneralRank3Case()
    {
        // (2, 1, 3) + (2, 1) -> (2, 2, 3); with a ones seed each a element was used 2 times, each b element 2·3.
        var a = Param(new float[6], 2, 1, 3);
        var b = Param(new float[2], 2, 1);
        (a + b).Backward(Tensor.Ones(2, 2, 3));
        TensorAssert.AllClose([2, 2, 2, 2, 2, 2], a.Grad!.ReadOnlySpan, 0, 0, "a");
        TensorAssert.AllClose([6, 6], b.Grad!.ReadOnlySpan, 0, 0, "b");
    }

    [Fact]
    public void CrossEntropy_Backward_IsSoftmaxMinusOneHotOverCountedRows()
    {
        // Equal logits: softmax = 1/4 everywhere. Row 1 is ignored, so N = 2.
        var z = Param(new float[12], 3, 4);
        Op.CrossEntropyLoss(z, [1, -100, 3], ignoreIndex: -100).Backward();
        TensorAssert.AllClose([0.125f, -0.375f, 0.125f, 0.125f, 0, 0, 0, 0, 0.125f, 0.125f, 0.125f, -0.375f],
            z.Grad!.ReadOnlySpan, 0, 1e-7f, "dz");
        Assert.Equal(MathF.Log(4), Op.CrossEntropyLoss(z, [1, -100, 3], ignoreIndex: -100).Item(), 1e-6f);
        Assert.Equal(0f, Op.CrossEntropyLoss(z, [-100, -100, -100], ignoreIndex: -100).Item());
    }

    [Fact]
    public void GaussianKl_HandValues_AndBatchMeanConvention()
    {
        // KL of N(mu, 1) from N(0, 1) is mu²/2 per element; Mean divides by the batch (2 rows), not by 4 elements.
        var mu = Param([1, 2, 0, 0], 2, 2);
        var logVar = Param(new float[4], 2, 2);
        Assert.Equal(2.5f, Op.GaussianKl(mu, logVar, Reduction.Sum).Item());
        Assert.Equal(1.25f, Op.GaussianKl(mu, logVar).Item());
        Op.GaussianKl(mu, logVar, Reduction.Sum).Backward();
        TensorAssert.AllClose([1, 2, 0, 0], mu.Grad!.ReadOnlySpan, 0, 0, "dKL/dmu = mu");
        TensorAssert.AllClose([0, 0, 0, 0], logVar.Grad!.ReadOnlySpan, 0, 0, "dKL/dlogVar = (exp(logVar) - 1)/2");
    }

    [Fact]
    public void BceLoss_ClampsLogAtMinus100_LikePyTorch()
    {
        Assert.Equal(100f, Op.BceLoss(Tensor.FromArray([0f]), Tensor.FromArray([1f])).Item());
        Assert.Equal(50f, Op.BceLoss(Tensor.FromArray([1f, 1f]), Tensor.FromArray([0f, 1f])).Item());
    }

    [Fact]
    public void Max_Ties_GiveTheGradientToTheFirstIndex()
    {
        var x = Param([1, 3, 3, 2], 4);
        Op.Max(x, 0).Backward();
        TensorAssert.AllClose([0, 1, 0, 0], x.Grad!.ReadOnlySpan, 0, 0, "dx");
    }

    // Every op, built on dyadic inputs (multiples of 1/16) so that every accumulation is exact in float32.
    private static readonly Dictionary<string, Func<Random, (Tensor Output, Tensor[] Leaves)>> Cases = new()
    {
        ["Add"] = r => Two(r, [3, 4], [4], Op.Add),
        ["Sub"] = r => Two(r, [3, 1], [2, 1, 4], Op.Sub),
        ["Mul"] = r => Two(r, [3, 4], [], Op.Mul),
        ["Div"] = r => Two(r, [2, 3], [2, 1], Op.Div),
        ["MatMul"] = r => Two(r, [2, 3, 5], [5, 4], Op.MatMul),
        ["Linear"] = r => Three(r, [3, 5], [4, 5], [4], Op.Linear),
        ["Reshape"] = r => One(r, [2, 6], x => Op.Reshape(x, 3, 4)),
        ["Sum"] = r => One(r, [3, 5], Op.Sum),
        ["Mean"] = r => One(r, [4, 4], Op.Mean),
        ["SumAxis"] = r => One(r, [3, 4, 5], x => Op.Sum(x, 1)),
        ["MeanAxis"] = r => One(r, [3, 4, 2], x => Op.Mean(x, 0, keepDim: true)),
        ["MaxAxis"] = r => One(r, [3, 5], x => Op.Max(x, -1)),
        ["Relu"] = r => One(r, [7], Op.Relu),
        ["Sigmoid"] = r => One(r, [7], Op.Sigmoid),
        ["Tanh"] = r => One(r, [7], Op.Tanh),
        ["Neg"] = r => One(r, [7], Op.Neg),
        ["Scale"] = r => One(r, [7], x => Op.Scale(x, 3f)),
        ["Exp"] = r => One(r, [7], Op.Exp),
        ["Log"] = r => One(r, [7], x => Op.Log(Op.Abs(x))),
        ["Sqrt"] = r => One(r, [7], x => Op.Sqrt(Op.Abs(x))),
        ["Pow"] = r => One(r, [7], x => Op.Pow(x, 3f)),
        ["Clamp"] = r => One(r, [7], x => Op.Clamp(x, -1, 1)),
        ["LeakyRelu"] = r => One(r, [7], x => Op.LeakyRelu(x, 0.25f)),
        ["Elu"] = r => One(r, [7], x => Op.Elu(x)),
        ["Softplus"] = r => One(r, [7], Op.Softplus),
        ["Transpose"] = r => One(r, [2, 3, 4], x => Op.Transpose(x, 0, 2)),
        ["Concat"] = r => Two(r, [2, 3], [2, 5], (a, b) => Op.Concat([a, b, a], 1)),
        ["Slice"] = r => One(r, [4, 6], x => Op.Slice(x, 1, 2, 3)),
        ["Softmax"] = r => One(r, [3, 5], x => Op.Softmax(x, 0)),
        ["LogSoftmax"] = r => One(r, [3, 5], x => Op.LogSoftmax(x)),
        ["Dropout"] = r => One(r, [4, 4], x => Op.Dropout(x, 0.5f, new Random(3), training: true)),
        ["Embedding"] = r => One(r, [5, 3], w => Op.Embedding([1, 4, 1, 1, 0], w)),
        ["MseLoss"] = r => One(r, [3, 4], p => Op.MseLoss(p, OpGen.Tensor(r, OpGen.Dyadic, 3, 4), Reduction.Sum)),
        ["BceWithLogitsLoss"] = r => One(r, [3, 4], z => Op.BceWithLogitsLoss(z, OpGen.Tensor(r, OpGen.Uniform(0, 1), 3, 4))),
        ["L1Loss"] = r => One(r, [3, 4], p => Op.L1Loss(p, OpGen.Tensor(r, OpGen.Dyadic, 3, 4), Reduction.Sum)),
        ["BceLoss"] = r => One(r, [3, 4], p => Op.BceLoss(Op.Sigmoid(p), OpGen.Tensor(r, OpGen.Uniform(0, 1), 3, 4))),
        ["CrossEntropyLoss"] = r => One(r, [4, 5], z => Op.CrossEntropyLoss(z, [0, 4, 2, 4])),
        ["GaussianKl"] = r => Two(r, [3, 4], [3, 4], (m, v) => Op.GaussianKl(m, v)),
        ["Reparameterize"] = r => Two(r, [3, 4], [3, 4], (m, v) => Op.Reparameterize(m, v, OpGen.Tensor(r, OpGen.Dyadic, 3, 4))),
    };

    public static TheoryData<string> OpNames => new(Cases.Keys);

    private static (Tensor, Tensor[]) One(Random r, int[] shape, Func<Tensor, Tensor> op)
    {
        var x = OpGen.Leaf(r, OpGen.Dyadic, shape);
        return (op(x), [x]);
    }

    private static (Tensor, Tensor[]) Two(Random r, int[] sa, int[] sb, Func<Tensor, Tensor, Tensor> op)
    {
        var a = OpGen.Leaf(r, OpGen.Dyadic, sa);
        var b = OpGen.Leaf(r, OpGen.Dyadic, sb);
        return (op(a, b), [a, b]);
    }

    private static (Tensor, Tensor[]) Three(Random r, int[] sa, int[] sb, int[] sc, Func<Tensor, Tensor, Tensor?, Tensor> op)
    {
        var a = OpGen.Leaf(r, OpGen.Dyadic, sa);
        var b = OpGen.Leaf(r, OpGen.Dyadic, sb);
        var c = OpGen.Leaf(r, OpGen.Dyadic, sc);
        return (op(a, b, c), [a, b, c]);
    }

    [Theory]
    [MemberData(nameof(OpNames))]
    public void Backward_TwiceWithRetainGraph_GivesExactlyTwiceTheGradient(string op)
    {
        var (y, leaves) = Cases[op](new Random(Seeds.Default));
        var seed = y.Size == 1 ? null : OpGen.Tensor(new Random(1), OpGen.Dyadic, y.Shape.ToArray());
        y.Backward(seed, retainGraph: true);
        var once = leaves.Select(t => t.Grad!.ToArray()).ToArray();
        Assert.Contains(once, g => g.Any(v => v != 0)); // a vacuous all-zero gradient would prove nothing
        y.Backward(seed);
        for (int i = 0; i < leaves.Length; i++)
            TensorAssert.BitwiseEqual(once[i].Select(v => 2 * v).ToArray(), leaves[i].Grad!.ReadOnlySpan, $"{op}: input {i}");
    }

    [Fact]
    public void ShapeErrors_NameTheOpAndTheShapes()
    {
        static void Expect(string op, Action action, params string[] fragments)
        {
            var e = Assert.ThrowsAny<ArgumentException>(action);
            Assert.Contains(op, e.Message);
            foreach (var f in fragments) Assert.Contains(f, e.Message);
        }
        var m23 = Tensor.Zeros(2, 3);
        var m45 = Tensor.Zeros(4, 5);
        Expect("Sub", () => Op.Sub(m23, m45), "(2, 3)", "(4, 5)");
        Expect("Mul", () => Op.Mul(m23, m45), "(2, 3)", "(4, 5)");
        Expect("Div", () => Op.Div(m23, m45), "(2, 3)", "(4, 5)");
        Expect("Linear", () => Op.Linear(m23, m45, null), "(2, 3)", "(4, 5)");
        Expect("Concat", () => Op.Concat([m23, m45], 0), "(2, 3)", "(4, 5)");
        Expect("MseLoss", () => Op.MseLoss(m23, m45), "(2, 3)", "(4, 5)");
        Expect("L1Loss", () => Op.L1Loss(m23, m45), "(2, 3)", "(4, 5)");
        Expect("BceLoss", () => Op.BceLoss(m23, m45), "(2, 3)", "(4, 5)");
        Expect("BceWithLogitsLoss", () => Op.BceWithLogitsLoss(m23, m45), "(2, 3)", "(4, 5)");
        Expect("GaussianKl", () => Op.GaussianKl(m23, m45), "(2, 3)", "(4, 5)");
        Expect("Reparameterize", () => Op.Reparameterize(m23, m23, m45), "(2, 3)", "(4, 5)");
        Expect("CrossEntropyLoss", () => Op.CrossEntropyLoss(m23, [0, 1, 2]), "(2, 3)", "3 targets");
        Expect("CrossEntropyLoss", () => Op.CrossEntropyLoss(m23, [0, 3]), "target 3", "3 classes");
        Expect("CrossEntropyLoss", () => Op.CrossEntropyLoss(m23, [0, 1], weights: Tensor.Zeros(3)), "(2, 3)", "(3,)");
        Expect("Embedding", () => Op.Embedding([0, 7], m45), "id 7", "vocabulary size of 4");
        Expect("Embedding", () => Op.Embedding([-1], m45), "id -1", "vocabulary size of 4");
        Expect("Embedding", () => Op.Embedding(Tensor.FromArray([1.5f]), m45), "1.5");
        Expect("Slice", () => Op.Slice(m23, 1, 2, 2), "(2, 3)");
        Expect("Split", () => Op.Split(m23, 1, 1, 1), "(2, 3)");
        Expect("Transpose", () => Op.Transpose(Tensor.Zeros(2, 3, 4)), "(2, 3, 4)");
        Expect("Softmax", () => Op.Softmax(m23, 2), "(2, 3)");
        Expect("Sum", () => Op.Sum(m23, -3), "(2, 3)");
        Expect("Max", () => Op.Max(Tensor.Zeros(2, 0), 1), "(2, 0)");
        Expect("Clamp", () => Op.Clamp(m23, 1, 0), "min 1");
        Expect("Dropout", () => Op.Dropout(m23, 1.5f, new Random(1), true), "1.5");
        Expect("BceLoss", () => Op.BceLoss(Tensor.FromArray([1.5f]), Tensor.FromArray([1f])), "1.5");
    }
}
