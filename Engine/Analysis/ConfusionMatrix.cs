namespace Engine.Analysis;

/// <summary>
/// Multiclass confusion matrix: <c>Counts[actual · Classes + predicted]</c>, rows = true class, columns = predicted
/// class (scikit-learn's layout). Per-class rates treat that class as positive and all others as negative.
/// </summary>
public sealed class ConfusionMatrix
{
    private ConfusionMatrix(int classes, long[] counts)
    {
        Classes = classes;
        Counts = counts;
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Row-major (classes, classes) counts, row = actual, column = predicted.</summary>
    public long[] Counts { get; }

    /// <summary>Number of samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => Counts[actual * Classes + predicted];

    /// <summary>Total number of samples.</summary>
    public long Total => Counts.Sum();

    /// <summary>Trace / total.</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int c = 0; c < Classes; c++) correct += this[c, c];
            return Total == 0 ? 0 : (double)correct / Total;
        }
    }

    /// <summary>Counts labels into a confusion matrix.</summary>
    /// <exception cref="ArgumentException">Lengths differ or a label is outside [0, classes).</exception>
    public static ConfusionMatrix Compute(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classes)
    {
        const string op = "ConfusionMatrix.Compute";
        Checks.Labels(op, actual, actual.Length, classes);
        Checks.Labels(op, predicted, actual.Length, classes);
        var counts = new long[classes * classes];
        for (int i = 0; i < actual.Length; i++) counts[actual[i] * classes + predicted[i]]++;
        return new ConfusionMatrix(classes, counts);
    }

    /// <summary>The one-vs-rest binary counts of class <paramref name="positiveClass"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The class index is out of range.</exception>
    public BinaryCounts ForClass(int positiveClass)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(positiveClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(positiveClass, Classes);
        long tp = this[positiveClass, positiveClass], fp = 0, fn = 0;
        for (int c = 0; c < Classes; c++)
        {
            if (c == positiveClass) continue;
            fp += this[c, positiveClass];
            fn += this[positiveClass, c];
        }
        return new BinaryCounts(tp, fp, Total - tp - fp - fn, fn);
    }

    /// <summary>Unweighted mean of the per-class F1 scores.</summary>
    public double MacroF1
    {
        get
        {
            double sum = 0;
            for (int c = 0; c < Classes; c++) sum += ForClass(c).F1;
            return sum / Classes;
        }
    }
}
