namespace Engine.Analysis;

/// <summary>
/// A supervised classifier over row-major float features. Labels are class indices in [0, classes).
/// Implementations are deterministic: the same data, settings and seed give the same model on any thread count.
/// </summary>
public interface IClassifier
{
    /// <summary>Trains on row-major (rows, cols) features and one label per row.</summary>
    /// <param name="features">Row-major (rows, cols).</param>
    /// <param name="rows">Number of samples.</param>
    /// <param name="cols">Number of features.</param>
    /// <param name="labels">Class index per row, in [0, classes).</param>
    /// <param name="classes">Number of classes (a class may be absent from the labels).</param>
    /// <exception cref="ArgumentException">Shapes or labels are invalid.</exception>
    void Fit(ReadOnlySpan<float> features, int rows, int cols, ReadOnlySpan<int> labels, int classes);

    /// <summary>Predicted class index of each of the rows (features must have the fitted column count).</summary>
    /// <exception cref="InvalidOperationException">The model was not fitted.</exception>
    /// <exception cref="ArgumentException">The shape does not match.</exception>
    int[] Predict(ReadOnlySpan<float> features, int rows);

    /// <summary>Accuracy of <see cref="Predict"/> against <paramref name="labels"/>.</summary>
    double Score(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels);
}

/// <summary>A classifier that also gives class probabilities.</summary>
public interface IProbabilisticClassifier : IClassifier
{
    /// <summary>Row-major (rows, classes) probabilities; each row sums to 1.</summary>
    /// <exception cref="InvalidOperationException">The model was not fitted.</exception>
    /// <exception cref="ArgumentException">The shape does not match.</exception>
    float[] PredictProba(ReadOnlySpan<float> features, int rows);
}
