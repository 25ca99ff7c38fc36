using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Kernels;
using Engine.Layers;
using Engine.Tensors;

namespace Engine.Models;

/// <summary>
/// A network that maps an input to class scores (logits) and is trained on labels, the supervised counterpart of
/// <see cref="AutoencoderModel"/>. <c>Training.SupervisedTrainer</c> trains any subclass.
/// </summary>
public abstract class ClassifierModel : Module
{
    /// <summary>Number of classes (the width of the logits).</summary>
    public abstract int ClassCount { get; }

    /// <summary>Unnormalised class scores (N, classes) of a batch (N, features).</summary>
    public abstract Tensor Logits(Tensor input);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Logits(input);

    /// <summary>
    /// The training objective on one batch: by default the mean softmax cross-entropy of the logits against
    /// <paramref name="labels"/>. <paramref name="unlabelled"/> is an optional batch without labels that
    /// semi-supervised models (e.g. <see cref="JointAutoencoderClassifier"/>) use; others ignore it.
    /// </summary>
    /// <param name="input">Labelled inputs (N, features).</param>
    /// <param name="labels">N class indices.</param>
    /// <param name="unlabelled">Unlabelled inputs (M, features) or null.</param>
    /// <param name="random">Noise for models that need any, so training is reproducible from a seed.</param>
    public virtual ModelLoss Loss(Tensor input, int[] labels, Tensor? unlabelled, Random random)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(random);
        var loss = Op.CrossEntropyLoss(BatchLogits(input, "Loss"), labels);
        return new ModelLoss(loss, new Dictionary<string, float> { ["cross_entropy"] = loss.Item() });
    }

    /// <summary>The most likely class of each row of a batch (ties: lowest index), without recording a graph.</summary>
    public int[] Predict(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var _ = GradMode.Disable();
        var logits = BatchLogits(input, "Predict");
        int rows = logits.Shape[0], classes = logits.Shape[1];
        return ArgMax.Rows(logits.ReadOnlySpan, rows, classes);
    }

    /// <summary>Logits (N, classes) of a batch, or an ArgumentException naming <paramref name="method"/> and the input.</summary>
    private protected Tensor BatchLogits(Tensor input, string method)
    {
        var logits = Logits(input);
        if (logits.Rank != 2)
            throw new ArgumentException($"{GetType().Name}.{method}: input {input.Shape} gave logits {logits.Shape}; " +
                "expected a batch, with logits (N, classes).", nameof(input));
        return logits;
    }
}
