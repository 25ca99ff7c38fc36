namespace Engine.Models;

/// <summary>How a <see cref="TransformerTextAutoencoder"/> turns its encoder outputs into one sentence vector.</summary>
public enum SentencePooling
{
    /// <summary>The mean of the outputs at the real (non-padded) positions.</summary>
    Mean,

    /// <summary>
    /// The output at a learned summary token put in front of every sentence (BERT's [CLS]): it attends to the
    /// words, and each head can pick out words at particular positions.
    /// </summary>
    SummaryToken,
}
