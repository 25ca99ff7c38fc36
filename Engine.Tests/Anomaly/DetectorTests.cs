using Engine.Anomaly;
using Engine.Data;
using Engine.Models;
using Engine.Tests.Testing;
using Engine.Training;

namespace Engine.Tests.Anomaly;

[Trait("Layer", "Anomaly")]
public sealed class DetectorTests
{
    private const int Features = 8;

    // Normals: a 2-D Gaussian embedded in 8 dimensions (plus small noise), so an AE or PCA with 2 components
    // reconstructs them well. Outliers: points 8 standard deviations away along a random direction. Every set
    // (training, validation, test) lies on the same plane, so held-out normals are ones the detector can
    // reconstruct; with a plane per set, normals off the learned plane overlap the outliers and the AUROC sits at
    // the data's ceiling (about 0.99), where a change of rounding could fail the test.
    private static readonly double[,] Basis = PlaneBasis(new Random(Seeds.Default));

    private static double[,] PlaneBasis(Random random)
    {
        var basis = new double[2, Features];
        for (int j = 0; j < 2; j++)
            for (int c = 0; c < Features; c++) basis[j, c] = Gaussian(random) / Math.Sqrt(Features);
        return basis;
    }

    private static (FloatDataset Data, bool[] IsAnomaly) Synthetic(int normals, int outliers, int seed)
    {
        var random = new Random(seed);
        var basis = Basis;
        var values = new float[(normals + outliers) * Features];
        var isAnomaly = new bool[normals + outliers];
        for (int r = 0; r < normals + outliers; r++)
        {
            bool outlier = r >= normals;
            isAnomaly[r] = outlier;
            double a = Gaussian(random), b = Gaussian(random);
            for (int c = 0; c < Features; c++)
            {
                double v = 0.5 + 0.1 * (a * basis[0, c] + b * basis[1, c]) + 0.005 * Gaussian(random);
                if (outlier) v += 0.8 * Gaussian(random) / Math.Sqrt(Features);
                values[r * Features + c] = (float)v;
            }
        }
        return (new FloatDataset(values, Features), isAnomaly);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static AutoencoderDetector SmallAutoencoder(int seed, ThresholdRule? rule = null) => new(
        new DenseAutoencoder(new DenseAutoencoderOptions(Features, [16], 2), new Random(seed)),
        new AutoencoderDetectorOptions
        {
            LearningRate = 1e-2f,
            Trainer = new TrainerOptions { Epochs = 40, BatchSize = 32, Seed = seed },
            FitThreshold = rule,
        });

    public static TheoryData<string> DetectorNames => ["autoencoder", "pca"];

    private static AnomalyDetector Create(string name, ThresholdRule? rule = null) =>
        name == "pca" ? new PcaDetector(2, rule) : SmallAutoencoder(Seeds.Default, rule);

    [Theory]
    [MemberData(nameof(DetectorNames))]
    public void Detector_OnGaussianNormalsAndFarOutliers_SeparatesThem(string name)
    {
        var (train, _) = Synthetic(600, 0, Seeds.Default);
        var (test, isAnomaly) = Synthetic(300, 30, Seeds.Default + 1);
        var detector = Create(name);
        detector.Fit(train);
        var scores = detector.DecisionFunction(test);
        var report = DetectionReport.Evaluate(scores, isAnomaly, detector.Threshold);
        // Measured on AVX-512, AVX2, Vector128 and scalar alike: AUROC 1.000 for both detectors.
        Assert.True(report.Auroc > 0.99, $"{name}: AUROC {report.Auroc}");
    }

    [Theory]
    [MemberData(nameof(DetectorNames))]
    public void Contamination_FlagsThatFractionOfTheTrainingData(string name)
    {
        var (train, _) = Synthetic(500, 0, Seeds.Default + 2);
        var detector = Create(name, ThresholdRule.Contamination(0.05));
        detector.Fit(train);
        int flagged = detector.Predict(train).Count(f => f);
        // scores are continuous, so ties are unlikely and the count is exactly ⌊0.05·500⌋ = 25
        Assert.InRange(flagged, 23, 25);
        Assert.Equal(detector.Predict(detector.TrainingScores).Count(f => f), flagged);
    }

    [Fact]
    public void ThresholdRules_ChangePredict_WithoutRefitting()
    {
        var (train, _) = Synthetic(400, 0, Seeds.Default + 3);
        var (validation, _) = Synthetic(400, 0, Seeds.Default + 4);
        var (test, isAnomaly) = Synthetic(200, 40, Seeds.Default + 5);
        var detector = SmallAutoencoder(Seeds.Default + 6);
        detector.Fit(train);
        var weights = detector.Model.Parameters().SelectMany(p => p.ToArray()).ToArray();
        var scores = detector.DecisionFunction(test);

        var flaggedCounts = new List<int>();
        foreach (var rule in new[]
                 {
                     ThresholdRule.TargetFalsePositiveRate(0.01), ThresholdRule.TargetFalsePositiveRate(0.3),
                     ThresholdRule.MeanPlusKSigma(3), ThresholdRule.MedianPlusKMad(1),
                 })
        {
            float threshold = detector.Calibrate(rule, validation);
            Assert.Equal(threshold, detector.Threshold);
            var predicted = detector.Predict(test);
            Assert.Equal(scores.Select(s => s >= threshold), predicted);
            flaggedCounts.Add(predicted.Count(p => p));
        }
        // a 30% FPR target flags more than a 1% target; the rules do not all agree
        Assert.True(flaggedCounts[1] > flaggedCounts[0], string.Join(", ", flaggedCounts));
        Assert.True(flaggedCounts.Distinct().Count() > 1, string.Join(", ", flaggedCounts));

        detector.Calibrate(ThresholdRule.BestF1(), scores, isAnomaly);
        var best = DetectionReport.Evaluate(scores, isAnomaly, detector.Threshold);
        // Measured on AVX-512, AVX2, Vector128 and scalar alike: best F1 1.000.
        Assert.True(best.F1 > 0.9, $"best F1 {best.F1}");

        // the model never changed, and scoring is deterministic
        TensorAssert.BitwiseEqual(weights, detector.Model.Parameters().SelectMany(p => p.ToArray()).ToArray(), "weights");
        TensorAssert.BitwiseEqual(scores, detector.DecisionFunction(test), "scores");
    }

    [Fact]
    public void TargetFalsePositiveRate_OnValidationNormals_KeepsHeldOutFprNearTarget()
    {
        var (train, _) = Synthetic(500, 0, Seeds.Default + 7);
        var (validation, _) = Synthetic(2000, 0, Seeds.Default + 8);
        var (heldOut, _) = Synthetic(2000, 0, Seeds.Default + 9);
        var detector = new PcaDetector(2);
        detector.Fit(train);
        detector.Calibrate(ThresholdRule.TargetFalsePositiveRate(0.05), validation);
        double fpr = detector.Predict(heldOut).Count(f => f) / 2000.0;
        Assert.InRange(fpr, 0.03, 0.07);
    }

    [Fact]
    public void VaeNegativeElbo_ScoresOutliersHigher()
    {
        var (train, _) = Synthetic(400, 0, Seeds.Default + 10);
        var (test, isAnomaly) = Synthetic(200, 20, Seeds.Default + 11);
        var vae = new VariationalAutoencoder(new VaeOptions(Features, [16], 2, Likelihood.Gaussian), new Random(1));
        var detector = new AutoencoderDetector(vae, new AutoencoderDetectorOptions
        {
            Score = AutoencoderScore.NegativeElbo,
            ElboSamples = 4,
            LearningRate = 1e-2f,
            Trainer = new TrainerOptions { Epochs = 30, BatchSize = 32, Seed = 2 },
        });
        detector.Fit(train);
        var report = DetectionReport.Evaluate(detector.DecisionFunction(test), isAnomaly, detector.Threshold);
        // Measured on AVX-512, AVX2, Vector128 and scalar alike: AUROC 1.000.
        Assert.True(report.Auroc > 0.95, $"AUROC {report.Auroc}");
    }

    [Fact]
    public void BadUse_GivesClearErrors()
    {
        var (train, _) = Synthetic(50, 0, 1);
        var detector = new PcaDetector(2);
        var notFitted = Assert.Throws<InvalidOperationException>(() => detector.DecisionFunction(train));
        Assert.Contains("Fit", notFitted.Message);
        detector.Fit(train);
        var wide = new FloatDataset(new float[30], 3);
        var wrongWidth = Assert.Throws<ArgumentException>(() => detector.DecisionFunction(wide));
        Assert.Contains("3 features", wrongWidth.Message);
        Assert.Throws<ArgumentException>(() => new PcaDetector(2, ThresholdRule.BestF1()));
        Assert.Throws<ArgumentException>(() => new AutoencoderDetector(
            new DenseAutoencoder(new DenseAutoencoderOptions(4, [3], 2), new Random(1)),
            new AutoencoderDetectorOptions { Score = AutoencoderScore.NegativeElbo }));
        var missingLabels = Assert.Throws<ArgumentException>(() => ThresholdRule.BestF1().Choose([1f, 2f]));
        Assert.Contains("label", missingLabels.Message);
    }

    [Fact]
    public void DetectionReport_CountsGroupsByHand()
    {
        float[] scores = [0.1f, 0.9f, 0.8f, 0.2f, 0.7f, 0.3f];
        bool[] isAnomaly = [false, true, true, false, true, false];
        int[] groups = [0, 1, 1, 0, 2, 0];
        var report = DetectionReport.Evaluate(scores, isAnomaly, 0.75f, groups, ["normal", "a", "b"]);
        Assert.Equal(1.0, report.Auroc);
        Assert.Equal(new Engine.Analysis.BinaryCounts(2, 0, 3, 1), report.Counts);
        Assert.Equal(1.0, report.Groups[1].Rate);
        Assert.Equal(0.0, report.Groups[2].Rate);
        Assert.Equal(3, report.Groups[0].Count);
    }
}
