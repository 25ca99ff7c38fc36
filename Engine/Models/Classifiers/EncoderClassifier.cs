using Engine.Layers;
using Engine.Tensors;

namespace Engine.Models;

/// <summary>
/// An encoder followed by a new dense softmax head, logits = W·encoder(x) + b, trained end to end on labels:
/// fine-tuning a pretrained autoencoder's encoder for classification. With a freshly built encoder it is simply a
/// multilayer perceptron (this is how <c>Analysis.MlpClassifier</c> uses it).
/// </summary>
/// <remarks>
/// The encoder module is used, not copied: training changes its weights in place. Parameters are named
/// <c>encoder.*</c> and <c>head.weight</c>, <c>head.bias</c>.
/// </remarks>
public sealed class EncoderClassifier : ClassifierModel
{
    private readonly Linear _head;

    /// <summary>Wraps <paramref name="encoder"/> (mapping (N, features) to (N, codeSize)) and adds a dense head.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public EncoderClassifier(Module encoder, int codeSize, int classes, Random random)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(codeSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        Encoder = RegisterModule("encoder", encoder);
        _head = RegisterModule("head", new Linear(codeSize, classes, random));
        ClassCount = classes;
    }

    /// <summary>The encoder (shared with whatever model it came from).</summary>
    public Module Encoder { get; }

    /// <summary>The softmax head (codeSize → classes).</summary>
    public Linear Head => _head;

    /// <inheritdoc/>
    public override int ClassCount { get; }

    /// <inheritdoc/>
    public override Tensor Logits(Tensor input) =>
        TensorChecks.Through(input, x => _head.Forward(Encoder.Forward(x)), "EncoderClassifier.Logits");
}
