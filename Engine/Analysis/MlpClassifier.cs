using Engine.Autodiff;
using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Tensors;
using Engine.Training;
using Engine.Kernels;

namespace Engine.Analysis;

/// <summary>
/// A small multilayer perceptron classifier built on the engine itself: Linear → ReLU layers, a dense softmax
/// head, mean cross-entropy, Adam, mini-batches (the counterpart of scikit-learn's <c>MLPClassifier</c>).
/// </summary>
/// <remarks>
/// The network is an <see cref="EncoderClassifier"/> whose "encoder" is the hidden stack, trained by
/// <see cref="SupervisedTrainer"/>. Initialisation and shuffling come from <see cref="Seed"/>, so a fit is
/// reproducible (on the same thread count). Features are used as given: standardise them first for best results.
/// </remarks>
public sealed class MlpClassifier : IProbabilisticClassifier
{
    private EncoderClassifier? _network;
    private int _cols;

    /// <summary>Widths of the hidden layers. Default one layer of 128.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init => field = Widths(value); } = [128];

    /// <summary>Passes over the training set (raised if needed to reach <see cref="MinimumSteps"/>). Default 20.</summary>
    public int Epochs { get; init => field = Require.AtLeast(value, 1, "MlpClassifier.Epochs"); } = 20;

    /// <summary>
    /// At least this many optimizer steps, so that tiny training sets (100 examples) still train. Default 500.
    /// </summary>
    public int MinimumSteps { get; init => field = Require.AtLeast(value, 0, "MlpClassifier.MinimumSteps"); } = 500;

    /// <summary>Examples per mini-batch. Default 64.</summary>
    public int BatchSize { get; init => field = Require.AtLeast(value, 1, "MlpClassifier.BatchSize"); } = 64;

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    public float LearningRate { get; init => field = Require.FiniteAtLeast(value, 0f, "MlpClassifier.LearningRate"); } = 1e-3f;

    /// <summary>L2 penalty added to the gradient (scikit-learn's alpha). Default 1e-4.</summary>
    public float WeightDecay { get; init => field = Require.FiniteAtLeast(value, 0f, "MlpClassifier.WeightDecay"); } = 1e-4f;

    /// <summary>Seeds the initialisation and the shuffling.</summary>
    public int Seed { get; init; }

    /// <summary>The trained network (after <see cref="Fit"/>).</summary>
    public ClassifierModel? Network => _network;

    /// <inheritdoc/>
    public unsafe void Fit(ReadOnlySpan<float> features, int rows, int cols, ReadOnlySpan<int> labels, int classes)
    {
        const string op = "MlpClassifier.Fit";
        Checks.Matrix(op, features, rows, cols);
        Checks.Labels(op, labels, rows, classes);
        Checks.Finite(op, features, nameof(features));
        if (HiddenSizes.Count == 0 || HiddenSizes.Any(h => h < 1))
            throw new ArgumentException($"{op}: hidden sizes must be one or more positive widths.", nameof(HiddenSizes));
        if (Epochs < 1 || BatchSize < 1)
            throw new ArgumentException($"{op}: Epochs ({Epochs}) and BatchSize ({BatchSize}) must be at least 1.", nameof(Epochs));

        var random = new Random(Seed);
        var hidden = new Sequential();
        int width = cols;
        foreach (int h in HiddenSizes)
        {
            hidden.Add(new Linear(width, h, random)).Add(new Activation(ActivationKind.Relu));
            width = h;
        }
        var network = new EncoderClassifier(hidden, width, classes, random);
        int batch = Math.Min(BatchSize, rows);
        int batchesPerEpoch = (rows + batch - 1) / batch;
        int epochs = Math.Max(Epochs, (MinimumSteps + batchesPerEpoch - 1) / batchesPerEpoch);
        var trainer = new SupervisedTrainer(new TrainerOptions { Epochs = epochs, BatchSize = batch, Seed = Seed });
        // The trainer reads the caller's features in place (pinned for the length of the fit), not a copy of them.
        fixed (float* pinned = features)
        {
            var data = new PinnedDataset(new PinnedFloats(pinned, features.Length), labels.ToArray(), cols);
            trainer.Fit(network, new Adam(network.Parameters(), LearningRate, weightDecay: WeightDecay), data);
        }
        _network = network;
        _cols = cols;
    }

    /// <inheritdoc/>
    public float[] PredictProba(ReadOnlySpan<float> features, int rows)
    {
        var network = Fitted("MlpClassifier.PredictProba", features, rows);
        using var _ = GradMode.Disable();
        var p = Tensor.FromArray(features.ToArray(), rows, _cols);
        var probabilities = Autodiff.Ops.Op.Softmax(network.Logits(p));
        return probabilities.ToArray();
    }

    /// <inheritdoc/>
    public int[] Predict(ReadOnlySpan<float> features, int rows) =>
        Fitted("MlpClassifier.Predict", features, rows).Predict(Tensor.FromArray(features.ToArray(), rows, _cols));

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<float> features, int rows, ReadOnlySpan<int> labels) =>
        Metrics.Accuracy(labels, Predict(features, rows));

    private EncoderClassifier Fitted(string op, ReadOnlySpan<float> features, int rows)
    {
        if (_network is null) throw new InvalidOperationException($"{op}: call Fit first.");
        Checks.Matrix(op, features, rows, _cols);
        return _network;
    }

    private static IReadOnlyList<int> Widths(IReadOnlyList<int> value)
    {
        Require.NotNull(value, "MlpClassifier.HiddenSizes");
        Require.AllAtLeast([.. value], 1, "MlpClassifier.HiddenSizes");
        return value.Count > 0 ? [.. value]
            : throw new ArgumentException("MlpClassifier.HiddenSizes is empty; give at least one hidden width.", nameof(HiddenSizes));
    }
}
