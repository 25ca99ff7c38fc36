using Engine.Tensors;

namespace Engine.Models;

/// <summary>Sizes and training-time behaviour of a <see cref="TransformerTextAutoencoder"/>.</summary>
public sealed record TransformerTextAutoencoderOptions
{
    /// <summary>E, the model width: word embeddings, positions and every block's residual stream.</summary>
    public int ModelSize { get; init => field = Size(value, nameof(ModelSize)); } = 128;

    /// <summary>Attention heads per block; <see cref="ModelSize"/> must be a multiple of it.</summary>
    public int Heads { get; init => field = Size(value, nameof(Heads)); } = 4;

    /// <summary>F, the hidden width of each block's feed-forward part.</summary>
    public int FeedForwardSize { get; init => field = Size(value, nameof(FeedForwardSize)); } = 256;

    /// <summary>Pre-norm encoder blocks.</summary>
    public int EncoderLayers { get; init => field = Size(value, nameof(EncoderLayers)); } = 2;

    /// <summary>Pre-norm decoder blocks (causal self-attention, then cross-attention to the latent).</summary>
    public int DecoderLayers { get; init => field = Size(value, nameof(DecoderLayers)); } = 2;

    /// <summary>Z, the size of the sentence vector (the bottleneck), as <see cref="LstmTextAutoencoderOptions.LatentSize"/>.</summary>
    public int LatentSize { get; init => field = Size(value, nameof(LatentSize)); } = 128;

    /// <summary>How the encoder outputs become the sentence vector (before the bottleneck Linear).</summary>
    public SentencePooling Pooling { get; init => field = Require.Defined(value, "TransformerTextAutoencoderOptions.Pooling"); } = SentencePooling.Mean;

    /// <summary>
    /// Dropout in training: after adding positions to the embeddings, on attention weights, on both residual
    /// branches and inside the feed-forward part of every block (the places "Attention Is All You Need" uses).
    /// </summary>
    public float Dropout { get; init => field = Rate(value, nameof(Dropout)); } = 0.1f;

    /// <summary>Denoising: during training each encoder input word becomes <c>&lt;unk&gt;</c> with this probability.</summary>
    public float WordDropout { get; init => field = Rate(value, nameof(WordDropout)); }

    /// <summary>
    /// Words kept per sentence (longer ones are truncated); also the greedy decoding limit and, plus one, the
    /// length of the position table. At most <see cref="MaxLengthLimit"/>.
    /// </summary>
    public int MaxLength { get; init => field = Require.InRange(value, 1, MaxLengthLimit, "TransformerTextAutoencoderOptions.MaxLength"); } = 40;

    /// <summary>The largest <see cref="MaxLength"/> accepted: sentences, not documents.</summary>
    public const int MaxLengthLimit = 4096;

    /// <summary>
    /// Throws when <see cref="ModelSize"/> is not a multiple of <see cref="Heads"/>, the one rule that involves two
    /// fields, or when a field breaks its own rule (each property also checks its value when it is set).
    /// </summary>
    /// <exception cref="ArgumentException">The message names the field.</exception>
    public void Validate()
    {
        Size(ModelSize, nameof(ModelSize));
        Size(Heads, nameof(Heads));
        Size(FeedForwardSize, nameof(FeedForwardSize));
        Size(EncoderLayers, nameof(EncoderLayers));
        Size(DecoderLayers, nameof(DecoderLayers));
        Size(LatentSize, nameof(LatentSize));
        Require.InRange(MaxLength, 1, MaxLengthLimit, "TransformerTextAutoencoderOptions.MaxLength");
        Require.Defined(Pooling, "TransformerTextAutoencoderOptions.Pooling");
        Rate(Dropout, nameof(Dropout));
        Rate(WordDropout, nameof(WordDropout));
        if (ModelSize % Heads != 0)
            throw new ArgumentException($"TransformerTextAutoencoderOptions: ModelSize {ModelSize} is not a multiple of Heads {Heads}.",
                nameof(Heads));
    }

    private static int Size(int value, string name) => Require.AtLeast(value, 1, "TransformerTextAutoencoderOptions." + name);

    private static float Rate(float value, string name) =>
        Require.InHalfOpenRange(value, 0f, 1f, "TransformerTextAutoencoderOptions." + name);
}
