using Engine.Analysis;
using Engine.Autodiff.Ops;
using Engine.Data;
using Engine.Kernels;
using Engine.Layers;
using Engine.Optim;
using Engine.Tensors;

namespace Engine.Tests.Api;

/// <summary>
/// Mismatched shapes, wrong ranks and out-of-range values at the public entry points that take tensors or spans
/// (ops, kernels, layers, optimizers, the data loader, the analysis classifiers and PCA): each must throw an
/// ArgumentException whose message names the operation and the shapes or values it got.
/// </summary>
[Trait("Layer", "Api")]
public sealed class ShapeArgumentTests(ITestOutputHelper output)
{
    private static Tensor T(params int[] shape) => Tensor.Full(0.5f, shape);

    private static readonly float[] Six = [1, 2, 3, 4, 5, 6];

    private static Tensor Leaf()
    {
        var leaf = T(2);
        leaf.RequiresGrad = true;
        return leaf;
    }

    /// <summary>Each case: what is called, the call, and fragments its message must contain.</summary>
    public static IEnumerable<(string Case, Action Call, string[] Mentions)> Cases()
    {
        yield return ("Add broadcast", () => Op.Add(T(2, 3), T(4, 5)), ["(2, 3)", "(4, 5)"]);
        yield return ("Mul broadcast", () => Op.Mul(T(2, 3), T(3, 2)), ["(2, 3)", "(3, 2)"]);
        yield return ("MatMul inner", () => Op.MatMul(T(2, 3), T(4, 5)), ["MatMul", "(2, 3)", "(4, 5)"]);
        yield return ("MatMul rank", () => Op.MatMul(T(2), T(2, 2, 2, 2, 2)), ["MatMul"]);
        yield return ("Linear in", () => Op.Linear(T(2, 3), T(4, 5), null), ["Linear", "(2, 3)", "(4, 5)"]);
        yield return ("Linear bias", () => Op.Linear(T(2, 3), T(4, 3), T(5)), ["Linear", "(5,)"]);
        yield return ("MseLoss", () => Op.MseLoss(T(2, 3), T(3, 2)), ["MseLoss", "(2, 3)", "(3, 2)"]);
        yield return ("BceLoss", () => Op.BceLoss(T(2, 3), T(3, 2)), ["BceLoss", "(2, 3)", "(3, 2)"]);
        yield return ("BceWithLogitsLoss", () => Op.BceWithLogitsLoss(T(2, 3), T(2, 4)), ["BceWithLogitsLoss", "(2, 3)", "(2, 4)"]);
        yield return ("CrossEntropy rank", () => Op.CrossEntropyLoss(T(3), [0, 1, 2]), ["CrossEntropyLoss", "(3,)"]);
        yield return ("CrossEntropy targets", () => Op.CrossEntropyLoss(T(2, 3), [0, 1, 2]), ["CrossEntropyLoss", "3 targets"]);
        yield return ("CrossEntropy class", () => Op.CrossEntropyLoss(T(2, 3), [0, 7]), ["CrossEntropyLoss", "7"]);
        yield return ("GaussianKl", () => Op.GaussianKl(T(2, 3), T(2, 4)), ["GaussianKl", "(2, 3)", "(2, 4)"]);
        yield return ("Reparameterize", () => Op.Reparameterize(T(2, 3), T(2, 3), T(3, 2)), ["Reparameterize", "(3, 2)"]);
        yield return ("Concat", () => Op.Concat([T(2, 3), T(2, 4)], 0), ["Concat", "(2, 4)"]);
        yield return ("Concat empty", () => Op.Concat([], 0), ["Concat"]);
        yield return ("Reshape size", () => Op.Reshape(T(2, 3), 4, 2), ["Reshape", "(2, 3)"]);
        yield return ("Transpose axis", () => Op.Transpose(T(2, 3), 0, 5), ["Transpose", "5"]);
        yield return ("Transpose rank", () => Op.Transpose(T(2, 3, 4)), ["Transpose", "(2, 3, 4)"]);
        yield return ("Slice range", () => Op.Slice(T(2, 3), 1, 2, 5), ["Slice", "(2, 3)"]);
        yield return ("Softmax axis", () => Op.Softmax(T(2, 3), 4), ["Softmax", "4"]);
        yield return ("Sum axis", () => Op.Sum(T(2, 3), -3), ["Sum", "-3"]);
        yield return ("Max empty", () => Op.Max(T(2, 0), 1), ["Max", "(2, 0)"]);
        yield return ("Embedding rank", () => Op.Embedding([0, 1], T(4)), ["Embedding", "(4,)"]);
        yield return ("Embedding id", () => Op.Embedding([0, 9], T(4, 2)), ["Embedding", "9"]);
        yield return ("GatherRows row", () => Op.GatherRows(T(3, 2), [0, 3]), ["GatherRows", "3"]);
        yield return ("LayerNorm weight", () => Op.LayerNorm(T(2, 3), T(4), null), ["LayerNorm", "(4,)"]);
        yield return ("BatchNorm rank", () => Op.BatchNorm(T(3), null, null), ["BatchNorm", "(3,)"]);
        yield return ("Conv2D rank", () => Op.Conv2D(T(2, 3), T(1, 1, 1, 1), null), ["Conv2D", "(2, 3)"]);
        yield return ("Conv2D channels", () => Op.Conv2D(T(1, 2, 4, 4), T(1, 3, 1, 1), null), ["Conv2D", "(1, 3, 1, 1)"]);
        yield return ("MaxPool2D kernel", () => Op.MaxPool2D(T(1, 1, 4, 4), 0), ["MaxPool2D", "0"]);
        yield return ("SplitHeads", () => Op.SplitHeads(T(2, 3, 8), 3, 0, 8), ["SplitHeads", "3"]);
        yield return ("Dropout p", () => Op.Dropout(T(2, 2), 1.5f, new Random(1), true), ["Dropout", "1.5"]);
        yield return ("Attention", () => Op.ScaledDotProductAttention(T(2, 3, 4), T(2, 5, 6), T(2, 5, 6)), ["ScaledDotProductAttention", "(2, 3, 4)"]);
        yield return ("Gemm short a", () => Gemm.Multiply(new float[5], new float[6], 2, 3, 2, new float[4]), ["Gemm", "5"]);
        yield return ("Gemm short c", () => Gemm.Multiply(new float[6], new float[6], 2, 3, 2, new float[3]), ["Gemm", "3"]);
        yield return ("Gemm sizes", () => Gemm.Multiply(new float[6], new float[6], -2, 3, 2, new float[4]), ["'m'", "-2"]);
        yield return ("Linear layer input", () => new Linear(3, 2, new Random(1)).Forward(T(2, 4)), ["(2, 4)"]);
        yield return ("Conv2d layer input", () => new Conv2d(2, 3, 3, new Random(1)).Forward(T(1, 1, 5, 5)), ["(1, 1, 5, 5)"]);
        yield return ("Adam lr NaN", () => _ = new Adam([Leaf()], float.NaN), ["Adam", "learningRate", "NaN"]);
        yield return ("Sgd lr Inf", () => _ = new Sgd([Leaf()], float.PositiveInfinity), ["Sgd", "learningRate"]);
        yield return ("Adam frozen", () => _ = new Adam([T(2)]), ["Adam", "(2,)", "does not require grad"]);
        yield return ("Adam no parameters", () => _ = new Adam([], 1e-3f), ["Adam", "empty"]);
        yield return ("DataLoader batch", () => _ = new DataLoader(new FloatDataset(Six, 2), 0), ["batchSize"]);
        yield return ("FloatDataset rows", () => _ = new FloatDataset(Six, 4), ["FloatDataset", "6"]);
        yield return ("Pca components", () => Pca.Fit(Six, 3, 2, 5), ["Pca", "5"]);
        yield return ("Pca shape", () => Pca.Fit(Six, 4, 2, 1), ["Pca", "(4, 2)"]);
        yield return ("LogisticRegression labels", () => new LogisticRegression().Fit(Six, 3, 2, [0, 1], 2), ["LogisticRegression.Fit", "labels"]);
        yield return ("KNN shape", () => new KNearestNeighbors().Fit(Six, 4, 2, [0, 1, 0, 1], 2), ["KNearestNeighbors.Fit", "(4, 2)"]);
        yield return ("LinearSvm label", () => new LinearSvm().Fit(Six, 3, 2, [0, 1, 5], 2), ["LinearSvm.Fit", "5"]);
        yield return ("RandomForest classes", () => new RandomForest().Fit(Six, 3, 2, [0, 0, 0], 0), ["RandomForest.Fit", "classes"]);
        yield return ("MlpClassifier NaN", () => new MlpClassifier().Fit([1, float.NaN, 3, 4], 2, 2, [0, 1], 2), ["MlpClassifier.Fit", "NaN"]);
        yield return ("StandardScaler shape", () => new StandardScaler().Fit(Six, 4, 2), ["StandardScaler", "(4, 2)"]);
        yield return ("Accuracy lengths", () => Metrics.Accuracy([0, 1], [0, 1, 1]), ["Accuracy", "2", "3"]);
        yield return ("Auroc lengths", () => Metrics.Auroc([0.1f, 0.2f], [true]), ["2 scores but 1 labels"]);
        yield return ("PcaDetector components", () => _ = new Engine.Anomaly.PcaDetector(0), ["components"]);
    }

    [Fact]
    public void BadShapesAndValues_ThrowArgumentExceptionsNamingOpAndShapes()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var (name, call, mentions) in Cases())
        {
            count++;
            try
            {
                call();
                failures.Add($"{name}: no exception");
            }
            catch (ArgumentException e)
            {
                var missing = mentions.Where(m => !e.Message.Contains(m, StringComparison.Ordinal)).ToList();
                if (missing.Count > 0)
                    failures.Add($"{name}: message lacks {string.Join(", ", missing.Select(m => $"'{m}'"))}: {e.Message}");
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }
        output.WriteLine($"{count} bad-argument cases, {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} cases failed:\n" + string.Join("\n", failures));
    }
}
