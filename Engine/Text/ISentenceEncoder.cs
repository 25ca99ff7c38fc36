namespace Engine.Text;

/// <summary>
/// Anything that turns tokenised sentences into fixed-size vectors (sentence embeddings): a sequence autoencoder's
/// latent code, averaged word vectors, a bag of words. The demo's <c>text</c> comparison runs one row per encoder.
/// </summary>
public interface ISentenceEncoder
{
    /// <summary>Length of each sentence vector.</summary>
    int Dimensions { get; }

    /// <summary>
    /// Encodes <paramref name="sentences"/> (each a list of tokens from <see cref="Tokenizer.Tokenize"/>) into a
    /// row-major (sentences.Count, <see cref="Dimensions"/>) array. Rows do not depend on each other.
    /// </summary>
    float[] Encode(IReadOnlyList<IReadOnlyList<string>> sentences);
}
