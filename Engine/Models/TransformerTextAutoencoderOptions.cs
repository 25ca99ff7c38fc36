namespace Engine.Models;

/// <summary>Sizes and training-time behaviour of a <see cref="TransformerTextAutoencoder"/>.</summary>
public sealed record TransformerTextAutoencoderOptions
{
    /// <summary>E, the model width: word embeddings, positions and every block's residual stream.</summary>
    public int ModelSize { get; init; } = 128;

    /// <summary>Attention heads per block; <see cref="ModelSize"/> must be a multiple of it.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>F, the hidden width of each block's feed-forward part.</summary>
    public int FeedForwardSize { get; init; } = 256;

    /// <summary>Pre-norm encoder blocks.</summary>
    public int EncoderLayers { get; init; } = 2;

    /// <summary>Pre-norm decoder blocks (causal self-attention, then cross-attention to the latent).</summary>
    public int DecoderLayers { get; init; } = 2;

    /// <summary>Z, the size of the sentence vector (the bottleneck), as <see cref="LstmTextAutoencoderOptions.LatentSize"/>.</summary>
    public int LatentSize { get; init; } = 128;

    /// <summary>How the encoder outputs become the sentence vector (before the bottleneck Linear).</summary>
    public SentencePooling Pooling { get; init; } = SentencePooling.Mean;

    /// <summary>
    /// Dropout in training: after adding positions to the embeddings, on attention weights, on both residual
    /// branches and inside the feed-forward part of every block (the places "Attention Is All You Need" uses).
    /// </summary>
    public float Dropout { get; init; } = 0.1f;

    /// <summary>Denoising: during training each encoder input word becomes <c>&lt;unk&gt;</c> with this probability.</summary>
    public float WordDropout { get; init; }

    /// <summary>
    /// Words kept per sentence (longer ones are truncated); also the greedy decoding limit and, plus one, the
    /// length of the position table. At most <see cref="MaxLengthLimit"/>.
    /// </summary>
    public int MaxLength { get; init; } = 40;

    /// <summary>The largest <see cref="MaxLength"/> accepted: sentences, not documents.</summary>
    public const int MaxLengthLimit = 4096;

    /// <summary>Throws when a size is below 1 (or MaxLength above its limit), the width is not a multiple of the heads, or a rate is outside [0, 1).</summary>
    /// <exception cref="ArgumentException">The message names the field.</exception>
    public void Validate()
    {
        Check(ModelSize, nameof(ModelSize));
        Check(Heads, nameof(Heads));
        Check(FeedForwardSize, nameof(FeedForwardSize));
        Check(EncoderLayers, nameof(EncoderLayers));
        Check(DecoderLayers, nameof(DecoderLayers));
        Check(LatentSize, nameof(LatentSize));
        Check(MaxLength, nameof(MaxLength));
        if (MaxLength > MaxLengthLimit)
            throw new ArgumentException($"TransformerTextAutoencoderOptions: MaxLength must be at most {MaxLengthLimit}, got {MaxLength}.");
        if (ModelSize % Heads != 0)
            throw new ArgumentException($"TransformerTextAutoencoderOptions: ModelSize {ModelSize} is not a multiple of Heads {Heads}.");
        if (!Enum.IsDefined(Pooling))
            throw new ArgumentException($"TransformerTextAutoencoderOptions: Pooling {(int)Pooling} is not a pooling.");
        Rate(Dropout, nameof(Dropout));
        Rate(WordDropout, nameof(WordDropout));
    }

    private static void Check(int value, string name)
    {
        if (value < 1)
            throw new ArgumentException($"TransformerTextAutoencoderOptions: {name} must be at least 1, got {value}.");
    }

    private static void Rate(float value, string name)
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentException($"TransformerTextAutoencoderOptions: {name} must be in [0, 1), got {value}.");
    }
}
