namespace Engine.Models;

/// <summary>Sizes and training-time behaviour of an <see cref="LstmTextAutoencoder"/>.</summary>
public sealed record LstmTextAutoencoderOptions
{
    /// <summary>E, the word embedding size (shared by encoder and decoder inputs).</summary>
    public int EmbeddingSize { get; init; } = 128;

    /// <summary>H, the hidden size of every LSTM layer and direction.</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>Z, the size of the sentence vector (the bottleneck).</summary>
    public int LatentSize { get; init; } = 128;

    /// <summary>Stacked LSTM layers, in the encoder and in the decoder.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Read the sentence in both directions in the encoder (the decoder always runs forwards).</summary>
    public bool Bidirectional { get; init; } = true;

    /// <summary>
    /// Denoising: during training, each encoder input word becomes <c>&lt;unk&gt;</c> with this probability
    /// (Bowman et al. 2016 drop decoder inputs; here the encoder input is corrupted and the targets stay clean).
    /// </summary>
    public float WordDropout { get; init; }

    /// <summary>What the Linear layer to z reads: the final states (the default) or mean and max pooling of every position.</summary>
    public LstmPooling Pooling { get; init; } = LstmPooling.FinalStates;

    /// <summary>Words kept per sentence (longer ones are truncated); also the greedy decoding limit.</summary>
    public int MaxLength { get; init; } = 40;

    /// <summary>Throws when a size is below 1, <see cref="WordDropout"/> is outside [0, 1) or <see cref="Pooling"/> is not a named value.</summary>
    /// <exception cref="ArgumentException">The message names the field.</exception>
    public void Validate()
    {
        Check(EmbeddingSize, nameof(EmbeddingSize));
        Check(HiddenSize, nameof(HiddenSize));
        Check(LatentSize, nameof(LatentSize));
        Check(Layers, nameof(Layers));
        Check(MaxLength, nameof(MaxLength));
        if (!(WordDropout >= 0 && WordDropout < 1))
            throw new ArgumentException($"LstmTextAutoencoderOptions: WordDropout must be in [0, 1), got {WordDropout}.");
        if (!Enum.IsDefined(Pooling))
            throw new ArgumentException($"LstmTextAutoencoderOptions: Pooling {(int)Pooling} is not a pooling.");
    }

    private static void Check(int value, string name)
    {
        if (value < 1)
            throw new ArgumentException($"LstmTextAutoencoderOptions: {name} must be at least 1, got {value}.");
    }
}
