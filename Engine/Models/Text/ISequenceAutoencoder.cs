using Engine.Tensors;
using Engine.Text;

namespace Engine.Models;

/// <summary>
/// A sentence autoencoder over word ids: what <c>Training.TextTrainer</c> trains and the demo's text
/// comparison evaluates: <see cref="LstmTextAutoencoder"/> and <see cref="TransformerTextAutoencoder"/>.
/// </summary>
public interface ISequenceAutoencoder : ISentenceEncoder
{
    /// <summary>The word ↔ id map the model reads and writes.</summary>
    Vocabulary Vocabulary { get; }

    /// <summary>Every trainable parameter.</summary>
    IReadOnlyList<Tensor> Parameters();

    /// <summary>Switches to training mode.</summary>
    void Train();

    /// <summary>Switches to evaluation mode.</summary>
    void Eval();

    /// <summary>The ids the model sees for a tokenised sentence (unknown words → &lt;unk&gt;, truncated).</summary>
    int[] ToIds(IReadOnlyList<string> tokens);

    /// <summary>
    /// The teacher-forced reconstruction loss (mean cross-entropy per target token, padding excluded) of the
    /// sentences picked by <paramref name="indices"/>, and the number of target tokens it averages over.
    /// </summary>
    /// <param name="sentences">Id sequences (from <see cref="ToIds"/>).</param>
    /// <param name="indices">Which sentences form the batch.</param>
    /// <param name="wordDropout">Source of the denoising corruption, or null for none.</param>
    (Tensor Loss, int Tokens) BatchLoss(IReadOnlyList<int[]> sentences, IReadOnlyList<int> indices, Random? wordDropout);

    /// <summary>Greedy reconstruction of each sentence: encode, then decode word by word until &lt;eos&gt;.</summary>
    List<int[]> Reconstruct(IReadOnlyList<int[]> sentences);
}
