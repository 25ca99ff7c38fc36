using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;

namespace Engine.Models;

/// <summary>
/// One model trained on two objectives at once: a dense autoencoder's reconstruction error plus a softmax head on
/// its code, loss = MSE(x̂, x) + <see cref="ClassificationWeight"/>·CE(W·z + b, y). The weight decides how much the
/// code is shaped by the labels rather than by the pixels.
/// </summary>
/// <remarks>
/// Semi-supervised use: given an unlabelled batch, the reconstruction term is computed on it and the
/// cross-entropy on the (smaller) labelled batch, so all images shape the code and the few labels steer it.
/// Without one, both terms use the labelled batch. Parameters are <c>autoencoder.*</c> and <c>head.*</c>.
/// </remarks>
public sealed class JointAutoencoderClassifier : ClassifierModel
{
    private readonly Linear _head;

    /// <summary>Adds a softmax head to <paramref name="autoencoder"/> (used, not copied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">classes &lt; 1 or the weight is negative or not finite.</exception>
    public JointAutoencoderClassifier(DenseAutoencoder autoencoder, int classes, float classificationWeight, Random random)
    {
        ArgumentNullException.ThrowIfNull(autoencoder);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (!(classificationWeight >= 0) || !float.IsFinite(classificationWeight))
            throw new ArgumentOutOfRangeException(nameof(classificationWeight), classificationWeight,
                "JointAutoencoderClassifier: the classification weight must be finite and >= 0.");
        Autoencoder = RegisterModule("autoencoder", autoencoder);
        _head = RegisterModule("head", new Linear(autoencoder.LatentSize, classes, random));
        ClassCount = classes;
        ClassificationWeight = classificationWeight;
    }

    /// <summary>The autoencoder whose code the head reads.</summary>
    public DenseAutoencoder Autoencoder { get; }

    /// <summary>The weight of the cross-entropy term relative to the reconstruction MSE.</summary>
    public float ClassificationWeight { get; }

    /// <inheritdoc/>
    public override int ClassCount { get; }

    /// <inheritdoc/>
    public override Tensor Logits(Tensor input) =>
        TensorChecks.Through(input, x => _head.Forward(Autoencoder.Encode(x)), "JointAutoencoderClassifier.Logits");

    /// <summary>
    /// MSE reconstruction (on <paramref name="unlabelled"/> if given, else on <paramref name="input"/>) plus the
    /// weighted cross-entropy on the labelled batch. Parts: <c>mse</c>, <c>cross_entropy</c>.
    /// </summary>
    public override ModelLoss Loss(Tensor input, int[] labels, Tensor? unlabelled, Random random)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(random);
        var images = unlabelled ?? input;
        var reconstruction = TensorChecks.Through(images, Autoencoder.Reconstruct, "JointAutoencoderClassifier.Loss",
            unlabelled is null ? nameof(input) : nameof(unlabelled));
        var mse = Op.MseLoss(reconstruction, images);
        var crossEntropy = Op.CrossEntropyLoss(BatchLogits(input, "Loss"), labels);
        var total = mse + crossEntropy * ClassificationWeight;
        return new ModelLoss(total, new Dictionary<string, float>
        {
            ["mse"] = mse.Item(),
            ["cross_entropy"] = crossEntropy.Item(),
        });
    }
}
