using Engine.Analysis;

namespace Engine.Tests.Analysis;

[Trait("Layer", "Analysis")]
public sealed class MetricsTests
{
    // Seven samples, P = 4 positives (indices 0, 1, 3, 5), N = 3 negatives (2, 4, 6); ties at 0.8 and 0.4,
    // each tie mixing one positive and one negative.
    private static readonly float[] Scores = [0.9f, 0.8f, 0.8f, 0.6f, 0.4f, 0.4f, 0.2f];
    private static readonly bool[] Positive = [true, true, false, true, false, true, false];

    [Fact]
    public void RocCurve_WithTies_MatchesHandComputation()
    {
        // Cumulative (tp, fp) at the distinct thresholds 0.9, 0.8, 0.6, 0.4, 0.2:
        // (1, 0), (2, 1), (3, 1), (4, 2), (4, 3)  ->  TPR = tp/4, FPR = fp/3, after the (0, 0) start.
        var roc = RocCurve.Compute(Scores, Positive);
        Assert.Equal([float.PositiveInfinity, 0.9f, 0.8f, 0.6f, 0.4f, 0.2f], roc.Thresholds);
        AssertSequence([0, 0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1], roc.FalsePositiveRates);
        AssertSequence([0, 0.25, 0.5, 0.75, 1, 1], roc.TruePositiveRates);

        // Trapezoids: (1/3)·(1/4 + 2/4)/2 = 1/8, (1/3)·(3/4 + 1)/2 = 7/24, (1/3)·(1 + 1)/2 = 1/3; sum = 18/24.
        // Cross-check by Mann–Whitney: per positive, #lower negatives + ½·#tied: 3 + 2.5 + 2 + 1.5 = 9 of 12 pairs.
        Assert.Equal(0.75, roc.Area, 1e-12);
        Assert.Equal(0.75, Metrics.Auroc(Scores, Positive), 1e-12);
    }

    [Fact]
    public void RocCurve_AllScoresTied_IsTheDiagonal()
    {
        // One threshold: everything positive at once -> points (0, 0), (1, 1), area 1/2.
        var roc = RocCurve.Compute([0.5f, 0.5f, 0.5f, 0.5f], [true, false, false, true]);
        AssertSequence([0, 1], roc.FalsePositiveRates);
        AssertSequence([0, 1], roc.TruePositiveRates);
        Assert.Equal(0.5, roc.Area, 1e-12);
    }

    [Fact]
    public void RocCurve_PerfectAndReversedRankings_GiveOneAndZero()
    {
        Assert.Equal(1, Metrics.Auroc([0.1f, 0.2f, 0.8f, 0.9f], [false, false, true, true]), 1e-12);
        Assert.Equal(0, Metrics.Auroc([0.9f, 0.8f, 0.2f, 0.1f], [false, false, true, true]), 1e-12);
    }

    [Fact]
    public void PrecisionRecall_WithTies_MatchesHandComputation()
    {
        // Precision tp/(tp+fp): 1/1, 2/3, 3/4, 4/6, 4/7; recall tp/4: 1/4, 2/4, 3/4, 1, 1.
        var pr = PrecisionRecallCurve.Compute(Scores, Positive);
        AssertSequence([1, 1, 2 / 3.0, 3 / 4.0, 4 / 6.0, 4 / 7.0], pr.Precisions);
        AssertSequence([0, 0.25, 0.5, 0.75, 1, 1], pr.Recalls);

        // AP = Σ ΔR·P = ¼·1 + ¼·⅔ + ¼·¾ + ¼·⅔ + 0·4/7 = ¼·(12 + 8 + 9 + 8)/12 = 37/48.
        Assert.Equal(37 / 48.0, pr.AveragePrecision, 1e-12);
        Assert.Equal(37 / 48.0, Metrics.AveragePrecision(Scores, Positive), 1e-12);
    }

    [Fact]
    public void AveragePrecision_AllTied_IsThePositiveRate()
    {
        // One step from recall 0 to 1 at precision P/n = 2/5.
        Assert.Equal(0.4, Metrics.AveragePrecision([1f, 1f, 1f, 1f, 1f], [true, false, true, false, false]), 1e-12);
    }

    [Fact]
    public void BinaryCounts_AtThreshold_MatchesHandComputation()
    {
        // Predicted positive (score ≥ 0.6): indices 0, 1, 2, 3 -> TP = 3 (0, 1, 3), FP = 1 (2);
        // FN = 1 (5), TN = 2 (4, 6). Precision = recall = 3/4, F1 = 6/8, FPR = 1/3, accuracy = 5/7.
        var counts = BinaryCounts.AtThreshold(Scores, Positive, 0.6f);
        Assert.Equal(new BinaryCounts(3, 1, 2, 1), counts);
        Assert.Equal(0.75, counts.Precision, 1e-12);
        Assert.Equal(0.75, counts.Recall, 1e-12);
        Assert.Equal(0.75, counts.F1, 1e-12);
        Assert.Equal(1 / 3.0, counts.FalsePositiveRate, 1e-12);
        Assert.Equal(5 / 7.0, counts.Accuracy, 1e-12);

        // Nothing predicted positive: precision 0/0 is reported as 0.
        Assert.Equal(0, BinaryCounts.AtThreshold(Scores, Positive, 2f).Precision);
    }

    [Fact]
    public void ConfusionMatrix_Multiclass_MatchesHandComputation()
    {
        // actual -> predicted: 0->0, 0->1, 1->1, 1->1, 2->2, 2->0, 2->2.
        // Rows (actual): [1 1 0], [0 2 0], [1 0 2]; trace 5 of 7.
        var matrix = ConfusionMatrix.Compute([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2], 3);
        Assert.Equal([1L, 1, 0, 0, 2, 0, 1, 0, 2], matrix.Counts);
        Assert.Equal(5 / 7.0, matrix.Accuracy, 1e-12);

        // Class 0: TP 1, FP 1 (a 2), FN 1 -> F1 = 2/4. Class 1: TP 2, FP 1, FN 0 -> F1 = 4/5.
        // Class 2: TP 2, FP 0, FN 1 -> F1 = 4/5. Macro F1 = (0.5 + 0.8 + 0.8)/3 = 0.7.
        Assert.Equal(new BinaryCounts(1, 1, 4, 1), matrix.ForClass(0));
        Assert.Equal(0.8, matrix.ForClass(1).F1, 1e-12);
        Assert.Equal(2 / 3.0, matrix.ForClass(2).Recall, 1e-12);
        Assert.Equal(0.7, matrix.MacroF1, 1e-12);
        Assert.Equal(5 / 7.0, Metrics.Accuracy([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2]), 1e-12);
    }

    [Fact]
    public void Metrics_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([0.1f, 0.2f], [true, true]));
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([0.1f], [true, false]));
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([float.NaN, 0.2f], [true, false]));
        Assert.Throws<ArgumentException>(() => PrecisionRecallCurve.Compute([0.1f, 0.2f], [false, false]));
        var error = Assert.Throws<ArgumentException>(() => ConfusionMatrix.Compute([0, 3], [0, 1], 3));
        Assert.Contains("labels[1] = 3", error.Message);
    }

    private static void AssertSequence(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-12, $"[{i}] expected {expected[i]}, actual {actual[i]}");
    }
}
