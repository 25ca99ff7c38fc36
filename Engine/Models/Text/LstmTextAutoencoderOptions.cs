using Engine.Tensors;

namespace Engine.Models;

/// <summary>Sizes and training-time behaviour of an <see cref="LstmTextAutoencoder"/>.</summary>
public sealed record LstmTextAutoencoderOptions
{
    /// <summary>E, the word embedding size (shared by encoder and decoder inputs).</summary>
    public int EmbeddingSize { get; init => field = Size(value, nameof(EmbeddingSize)); } = 128;

    /// <summary>H, the hidden size of every LSTM layer and direction.</summary>
    public int HiddenSize { get; init => field = Size(value, nameof(HiddenSize)); } = 256;

    /// <summary>Z, the size of the sentence vector (the bottleneck).</summary>
    public int LatentSize { get; init => field = Size(value, nameof(LatentSize)); } = 128;

    /// <summary>Stacked LSTM layers, in the encoder and in the decoder.</summary>
    public int Layers { get; init => field = Size(value, nameof(Layers)); } = 1;

    /// <summary>Read the sentence in both directions in the encoder (the decoder always runs forwards).</summary>
    public bool Bidirectional { get; init; } = true;

    /// <summary>
    /// Denoising: during training, each encoder input word becomes <c>&lt;unk&gt;</c> with this probability
    /// (Bowman et al. 2016 drop decoder inputs; here the encoder input is corrupted and the targets stay clean).
    /// </summary>
    public float WordDropout { get; init => field = Require.InHalfOpenRange(value, 0f, 1f, "LstmTextAutoencoderOptions.WordDropout"); }

    /// <summary>What the Linear layer to z reads: the final states (the default) or mean and max pooling of every position.</summary>
    public LstmPooling Pooling
    {
        get;
        init => field = Require.Defined(value, "LstmTextAutoencoderOptions.Pooling");
    } = LstmPooling.FinalStates;

    /// <summary>Words kept per sentence (longer ones are truncated); also the greedy decoding limit.</summary>
    public int MaxLength { get; init => field = Size(value, nameof(MaxLength)); } = 40;

    /// <summary>
    /// Throws when a size is below 1, <see cref="WordDropout"/> is outside [0, 1) or <see cref="Pooling"/> is not a
    /// named value. Every property checks its value when it is set, so this only repeats those checks (for records
    /// built before the rules, e.g. by reflection).
    /// </summary>
    /// <exception cref="ArgumentException">The message names the field.</exception>
    public void Validate()
    {
        Size(EmbeddingSize, nameof(EmbeddingSize));
        Size(HiddenSize, nameof(HiddenSize));
        Size(LatentSize, nameof(LatentSize));
        Size(Layers, nameof(Layers));
        Size(MaxLength, nameof(MaxLength));
        Require.InHalfOpenRange(WordDropout, 0f, 1f, "LstmTextAutoencoderOptions.WordDropout");
        Require.Defined(Pooling, "LstmTextAutoencoderOptions.Pooling");
    }

    private static int Size(int value, string name) => Require.AtLeast(value, 1, "LstmTextAutoencoderOptions." + name);
}
