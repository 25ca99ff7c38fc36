using Engine.Analysis;
using Engine.Kernels;
using Engine.Tests.Testing;

namespace Engine.Tests.Analysis;

[Trait("Layer", "Analysis")]
public sealed class ClassifierTests
{
    public static TheoryData<string> Names => ["logistic", "svm-hinge", "svm-squared", "forest", "knn"];

    internal static IClassifier Create(string name, int seed) => name switch
    {
        "logistic" => new LogisticRegression(),
        "svm-hinge" => new LinearSvm { Seed = seed },
        "svm-squared" => new LinearSvm { Seed = seed, Loss = SvmLoss.SquaredHinge },
        "forest" => new RandomForest { Trees = 20, Seed = seed },
        "knn" => new KNearestNeighbors { K = 5 },
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Classifier_SeparableBlobs_ReachesHighAccuracy(string name)
    {
        // Four well-separated blobs (centres 6σ apart along distinct axes) in 9 dimensions.
        var (train, trainLabels) = SyntheticData.Blobs(400, 9, 4, 6, 1, Seeds.Default);
        var (fresh, freshLabels) = SyntheticData.Blobs(400, 9, 4, 6, 1, Seeds.Default, sample: 1);
        var model = Create(name, Seeds.Default);
        model.Fit(train, 400, 9, trainLabels, 4);
        double accuracy = model.Score(fresh, freshLabels.Length, freshLabels);
        // Measured on AVX-512, AVX2, Vector128 and scalar alike: 100.0% for all five classifiers.
        Assert.True(accuracy >= 0.98, $"{name}: accuracy {accuracy:F3} on separable blobs");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Classifier_NoisyBlobs_BeatsChanceClearly(string name)
    {
        // Three blobs 2σ apart: heavily overlapping (Bayes accuracy ≈ 0.8), 300 rows to train on.
        var (train, trainLabels) = SyntheticData.Blobs(300, 5, 3, 2, 1, Seeds.Default + 1);
        var (test, testLabels) = SyntheticData.Blobs(300, 5, 3, 2, 1, Seeds.Default + 1, sample: 1);
        var model = Create(name, Seeds.Default);
        model.Fit(train, 300, 5, trainLabels, 3);
        double accuracy = model.Score(test, testLabels.Length, testLabels);
        // Measured on AVX-512, AVX2, Vector128 and scalar alike: logistic 87.3%, svm-hinge 87.7%, svm-squared 87.0%,
        // forest 83.0%, knn 86.3%.
        Assert.True(accuracy >= 0.6, $"{name}: accuracy {accuracy:F3} on noisy blobs (chance is 0.33)");
    }

    [Fact]
    public void LogisticRegression_Converged_SatisfiesTheOptimalityCondition()
    {
        // At the minimum of (1/n)Σ CE + ‖W‖²/(2Cn): (1/n)·Σᵢ (pᵢ − onehotᵢ)·xᵢᵀ + W/(Cn) = 0 per class,
        // and Σᵢ (pᵢ − onehotᵢ) = 0 for the (unpenalised) bias. Checked from PredictProba, not from the solver.
        var (x, y) = SyntheticData.Blobs(120, 4, 3, 1.5, 1, Seeds.Default + 4);
        var model = new LogisticRegression { C = 0.5, MaxIterations = 500, Tolerance = 1e-7 };
        model.Fit(x, 120, 4, y, 3);
        var p = model.PredictProba(x, 120);
        for (int c = 0; c < 3; c++)
        {
            double biasGradient = 0;
            for (int r = 0; r < 120; r++) biasGradient += p[r * 3 + c] - (y[r] == c ? 1 : 0);
            Assert.True(Math.Abs(biasGradient / 120) < 1e-4, $"bias gradient {biasGradient / 120}");
            for (int j = 0; j < 4; j++)
            {
                double g = 0;
                for (int r = 0; r < 120; r++) g += (p[r * 3 + c] - (y[r] == c ? 1 : 0)) * x[r * 4 + j];
                g = g / 120 + model.Weights[c * 4 + j] / (0.5 * 120);
                Assert.True(Math.Abs(g) < 1e-4, $"weight gradient [{c}, {j}] = {g}");
            }
        }
    }

    [Fact]
    public void LinearSvm_TwoPoints_FindsTheMaxMarginSeparator()
    {
        // Points −2 (class 0) and +2 (class 1) in 1D; hinge loss with large C is the hard-margin SVM on the
        // augmented features (x, 1): minimise ½(w² + b²) s.t. y(wx + b) ≥ 1 -> b = 0, w = ½ for class 1.
        var svm = new LinearSvm { C = 100, Seed = 1 };
        svm.Fit([-2f, 2f], 2, 1, [0, 1], 2);
        Assert.Equal(0.5f, svm.Weights[1], 1e-4f);
        Assert.Equal(0f, svm.Bias[1], 1e-4f);
        Assert.Equal(-0.5f, svm.Weights[0], 1e-4f);
    }

    [Fact]
    public void KNearestNeighbors_HandCase_UsesNearestRowsAndBreaksTiesByLowestClass()
    {
        // Train x = 0, 1, 2, 10, 11 with classes 0, 0, 1, 1, 2. Query 1.4: distances 1.4, 0.4, 0.6, 8.6, 9.6.
        var knn = new KNearestNeighbors { K = 3 };
        knn.Fit([0f, 1f, 2f, 10f, 11f], 5, 1, [0, 0, 1, 1, 2], 3);
        Assert.Equal([1, 2, 0], knn.Neighbors([1.4f], 1));
        Assert.Equal([0], knn.Predict([1.4f], 1)); // votes 0, 1, 0 -> class 0
        TensorAssert.AllClose([2 / 3f, 1 / 3f, 0f], knn.PredictProba([1.4f], 1), 1e-6f, 1e-6f, "proba");

        // K = 2 at 6: neighbours 2 (distance 4, class 1) and 10 (distance 4, class 1) -> class 1.
        // K = 2 at 1.5: neighbours 1 (class 0) and 2 (class 1) tie 1–1 -> lowest class, 0.
        var two = new KNearestNeighbors { K = 2 };
        two.Fit([0f, 1f, 2f, 10f, 11f], 5, 1, [0, 0, 1, 1, 2], 3);
        Assert.Equal([1, 0], two.Predict([6f, 1.5f], 2));
    }

    [Fact]
    public void RandomForest_OneFullTree_FitsTheTrainingSetExactly()
    {
        // Without bootstrap and with every feature tried, CART grows to pure leaves on distinct points.
        var (x, y) = SyntheticData.Blobs(150, 4, 3, 1, 1, Seeds.Default + 5);
        var tree = new RandomForest { Trees = 1, Bootstrap = false, MaxFeatures = 4, Seed = 3 };
        tree.Fit(x, 150, 4, y, 3);
        Assert.Equal(1.0, tree.Score(x, 150, y));
    }

    [Fact]
    public void StandardScaler_GivesZeroMeanUnitVariance()
    {
        // Column 0: 1, 2, 3 -> mean 2, σ = √(2/3). Column 1 constant 5 -> scale 1, values 0.
        var scaler = new StandardScaler().Fit([1f, 5f, 2f, 5f, 3f, 5f], 3, 2);
        var z = scaler.Transform([1f, 5f, 2f, 5f, 3f, 5f], 3);
        float s = (float)Math.Sqrt(1.5);
        TensorAssert.AllClose([-s, 0, 0, 0, s, 0], z, 1e-6f, 1e-6f, "standardised");
    }

    [Fact]
    public void Classifiers_BadInput_Throw()
    {
        var model = new LogisticRegression();
        Assert.Throws<InvalidOperationException>(() => model.Predict(new float[4], 2));
        var error = Assert.Throws<ArgumentException>(() => model.Fit(new float[6], 3, 2, [0, 1, 2], 2));
        Assert.Contains("labels[2] = 2", error.Message);
        Assert.Throws<ArgumentException>(() => new RandomForest().Fit(new float[5], 3, 2, [0, 1, 0], 2));
        Assert.Throws<ArgumentException>(() => new KNearestNeighbors { K = 4 }.Fit(new float[6], 3, 2, [0, 1, 0], 2));
        var svm = new LinearSvm();
        svm.Fit([0f, 1f, 1f, 0f], 2, 2, [0, 1], 2);
        Assert.Throws<ArgumentException>(() => svm.Predict(new float[3], 1));
    }
}
