using Engine.Analysis;

namespace Engine.Tests.Analysis;

[Trait("Layer", "Analysis")]
public sealed class AnomalyThresholdsTests
{
    [Fact]
    public void Contamination_FlagsTheTopFraction()
    {
        // Scores 1..10, contamination 0.2 -> flag ⌊0.2·10⌋ = 2 (the 9 and the 10): threshold just above 8.
        float[] scores = [3, 1, 4, 10, 5, 9, 2, 6, 8, 7];
        float threshold = AnomalyThresholds.Contamination(scores, 0.2);
        Assert.True(threshold > 8 && threshold <= 9, $"threshold {threshold}");
        Assert.Equal(2, scores.Count(s => s >= threshold));
    }

    [Fact]
    public void Contamination_TiesAtTheCut_AreNotFlagged()
    {
        // [1, 2, 3, 3, 3] at 0.4 allows 2 flags, but the top 3 tie: flagging any would flag all 3 > 2.
        float[] scores = [1, 2, 3, 3, 3];
        float threshold = AnomalyThresholds.Contamination(scores, 0.4);
        Assert.Equal(0, scores.Count(s => s >= threshold));
    }

    [Fact]
    public void TargetFalsePositiveRate_HoldsOnTheValidationNormals()
    {
        // Normals 0..99, target 5% -> 5 flags (95..99): threshold in (94, 95].
        var normals = Enumerable.Range(0, 100).Select(i => (float)i).Reverse().ToArray();
        float threshold = AnomalyThresholds.TargetFalsePositiveRate(normals, 0.05);
        Assert.True(threshold > 94 && threshold <= 95, $"threshold {threshold}");
        var counts = BinaryCounts.AtThreshold(normals, new bool[100], threshold);
        Assert.Equal(0.05, counts.FalsePositiveRate, 1e-12);
        Assert.True(AnomalyThresholds.TargetFalsePositiveRate(normals, 0) > 99);
    }

    [Fact]
    public void MeanPlusKSigma_MatchesHandComputation()
    {
        // [2, 4, 4, 4, 5, 5, 7, 9]: mean 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32, σ = √(32/8) = 2.
        Assert.Equal(9f, AnomalyThresholds.MeanPlusKSigma([2, 4, 4, 4, 5, 5, 7, 9], 2), 1e-5f);
    }

    [Fact]
    public void MedianPlusKMad_IgnoresTheOutlier()
    {
        // [1, 2, 3, 4, 100]: median 3; |deviations| 2, 1, 0, 1, 97 -> median 1; 3 + 3·1.4826·1 = 7.4478.
        float threshold = AnomalyThresholds.MedianPlusKMad([1, 2, 3, 4, 100]);
        Assert.Equal(7.4478f, threshold, 1e-4f);
        // Even count: [1, 2, 3, 4]: median 2.5; deviations 1.5, 0.5, 0.5, 1.5 -> MAD 1; k = 1 -> 3.9826.
        Assert.Equal(3.9826f, AnomalyThresholds.MedianPlusKMad([4, 1, 3, 2], 1), 1e-4f);
    }

    [Fact]
    public void BestF1_PicksTheF1MaximisingScore()
    {
        // Same case as the metrics tests; F1 = 2TP/(TP + FP + P) at 0.9, 0.8, 0.6, 0.4, 0.2:
        // 2/5, 4/7, 6/8, 8/10, 8/11 -> best at 0.4.
        float[] scores = [0.9f, 0.8f, 0.8f, 0.6f, 0.4f, 0.4f, 0.2f];
        bool[] anomaly = [true, true, false, true, false, true, false];
        Assert.Equal(0.4f, AnomalyThresholds.BestF1(scores, anomaly));

        // Equal F1 at 0.9 (2·1/(1+0+1) = 1) and never again: the single top anomaly.
        Assert.Equal(0.9f, AnomalyThresholds.BestF1([0.9f, 0.5f, 0.1f], [true, false, false]));
    }

    [Fact]
    public void Thresholds_BadInput_Throw()
    {
        Assert.Throws<ArgumentException>(() => AnomalyThresholds.Contamination([1f, 2f], 1));
        Assert.Throws<ArgumentException>(() => AnomalyThresholds.Contamination([], 0.1));
        Assert.Throws<ArgumentException>(() => AnomalyThresholds.MeanPlusKSigma([1f, float.NaN]));
        Assert.Throws<ArgumentException>(() => AnomalyThresholds.BestF1([1f, 2f], [false, false]));
        Assert.Throws<ArgumentException>(() => AnomalyThresholds.TargetFalsePositiveRate([1f], -0.1));
    }
}
