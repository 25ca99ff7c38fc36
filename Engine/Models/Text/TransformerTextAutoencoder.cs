using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Text;

namespace Engine.Models;

// Legend: B = sentences in the batch, T = padded encoder steps, T' = T + 1 decoder steps, V = vocabulary size,
// E = model width, F = feed-forward width, Z = latent size, N = real decoder positions (Σ (length + 1)).

/// <summary>
/// A Transformer sentence autoencoder with the same contract as <see cref="LstmTextAutoencoder"/>: word embedding +
/// sinusoidal positions → pre-norm encoder blocks (padding masked) → LayerNorm → mean over the real positions →
/// Linear to the latent sentence vector z (Z) → Linear back to width E as a one-step memory → pre-norm decoder
/// blocks (causal self-attention over <c>&lt;bos&gt; w1..wn</c>, cross-attention to the memory) → LayerNorm →
/// Linear to vocabulary logits → cross-entropy over the real target tokens <c>w1..wn &lt;eos&gt;</c> only.
/// </summary>
/// <remarks>
/// <para>Pooling is the mean over real positions rather than a learned summary token: every real token's encoder
/// output gets gradient from the first step, which matters for the short, fixed training budget of the comparison,
/// and the vector stays directly comparable with the mean of Word2Vec vectors (an average of word vectors, now
/// contextual). Padded positions are weighted by exactly 0 and are masked as attention keys, so they change no
/// output at a real position and receive no gradient.</para>
/// <para>The decoder sees the sentence only through z: its cross-attention memory has one step, so each block adds
/// a projection of z to every position (softmax over one key is 1), and causal self-attention supplies the words
/// decoded so far. Greedy decoding reruns the decoder over the prefix at every step (no key/value cache: sentences
/// are short). Parameter names: <c>embedding.weight</c>, <c>encoder_layers.0.self_attn.in_proj_weight</c> (as
/// nn.TransformerEncoderLayer), <c>encoder_norm</c>, <c>to_latent</c>, <c>from_latent</c>,
/// <c>decoder_layers.0.multihead_attn.*</c>, <c>decoder_norm</c>, <c>output</c>. Inference is in
/// TransformerTextAutoencoder.Inference.cs, saving in .Persistence.cs.</para>
/// </remarks>
public sealed partial class TransformerTextAutoencoder : Module, ISequenceAutoencoder
{
    private readonly TransformerEncoderBlock[] _encoderBlocks;
    private readonly TransformerDecoderBlock[] _decoderBlocks;

    /// <summary>
    /// Creates the model for <paramref name="vocabulary"/>, initialised from <paramref name="random"/>, which also
    /// draws the dropout masks in training.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range (see <see cref="TransformerTextAutoencoderOptions.Validate"/>).</exception>
    public TransformerTextAutoencoder(Vocabulary vocabulary, TransformerTextAutoencoderOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        options.Validate();
        int v = vocabulary.Count, e = options.ModelSize, f = options.FeedForwardSize, heads = options.Heads;
        float p = options.Dropout;
        Embedding = RegisterModule("embedding", new EmbeddingTable(v, e, random)).Weight;
        // Decoder rows are one step longer than the sentence (<bos> w1..wn), so the table covers MaxLength + 1.
        Positions = RegisterModule("positions", new PositionalEncoding(e, options.MaxLength + 1, p, random));
        _encoderBlocks = Enumerable.Range(0, options.EncoderLayers)
            .Select(_ => new TransformerEncoderBlock(e, heads, f, random, p)).ToArray();
        RegisterModule("encoder_layers", new Sequential([.. _encoderBlocks]));
        EncoderNorm = RegisterModule("encoder_norm", new LayerNorm(e));
        if (options.Pooling == SentencePooling.SummaryToken)
            SummaryToken = RegisterParameter("summary_token", Tensor.Normal(random, 0f, 1f, 1, 1, e));
        ToLatent = RegisterModule("to_latent", new Linear(e, options.LatentSize, random));
        FromLatent = RegisterModule("from_latent", new Linear(options.LatentSize, e, random));
        _decoderBlocks = Enumerable.Range(0, options.DecoderLayers)
            .Select(_ => new TransformerDecoderBlock(e, heads, f, random, p)).ToArray();
        RegisterModule("decoder_layers", new Sequential([.. _decoderBlocks]));
        DecoderNorm = RegisterModule("decoder_norm", new LayerNorm(e));
        Output = RegisterModule("output", new Linear(e, v, random));
    }

    /// <summary>The architecture: widths, depths, dropout rates and the sentence length limit.</summary>
    public TransformerTextAutoencoderOptions Options { get; }

    /// <inheritdoc/>
    public Vocabulary Vocabulary { get; }

    /// <summary>The shared (V, E) table of word vectors, looked up by encoder and decoder inputs alike.</summary>
    public Tensor Embedding { get; }

    /// <inheritdoc/>
    public int Dimensions => LatentSize;

    /// <summary>Z: each sentence becomes this many numbers.</summary>
    public int LatentSize => Options.LatentSize;

    /// <summary>The sinusoidal positions added to encoder and decoder inputs (with dropout in training).</summary>
    public PositionalEncoding Positions { get; }

    /// <summary>The encoder blocks, in order.</summary>
    public IReadOnlyList<TransformerEncoderBlock> EncoderBlocks => _encoderBlocks;

    /// <summary>The final encoder LayerNorm (pre-norm blocks leave their output un-normalised).</summary>
    public LayerNorm EncoderNorm { get; }

    /// <summary>The learned vector (1, 1, E) put in front of every sentence, with <see cref="SentencePooling.SummaryToken"/>; else null.</summary>
    public Tensor? SummaryToken { get; }

    /// <summary>Pooled encoder output (B, E) → latent z (B, Z).</summary>
    public Linear ToLatent { get; }

    /// <summary>z (B, Z) → the decoder's one-step memory (B, 1, E).</summary>
    public Linear FromLatent { get; }

    /// <summary>The decoder blocks, in order.</summary>
    public IReadOnlyList<TransformerDecoderBlock> DecoderBlocks => _decoderBlocks;

    /// <summary>The final decoder LayerNorm.</summary>
    public LayerNorm DecoderNorm { get; }

    /// <summary>Decoder output (·, E) → vocabulary logits (·, V).</summary>
    public Linear Output { get; }

    /// <summary>Latent vectors (B, Z) of unpadded id rows (B, T) stored as floats; see <see cref="EncodeBatch"/> for padding.</summary>
    /// <exception cref="ArgumentException">The ids are not (B, T ≤ MaxLength + 1) or hold an invalid id.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Rank == 2
            ? Latent(Op.Embedding(input, Embedding), null, null)
            : throw new ArgumentException($"TransformerTextAutoencoder.Forward: ids are {input.Shape}; expected (B, T).", nameof(input));
    }

    /// <inheritdoc/>
    public int[] ToIds(IReadOnlyList<string> tokens) => SentenceBatches.ToIds(Vocabulary, tokens, Options.MaxLength);

    /// <summary>Latent vectors (B, Z) of a padded encoder batch (T ≤ MaxLength + 1); differentiable.</summary>
    /// <exception cref="ArgumentException">An id is outside the vocabulary, or T exceeds the position table.</exception>
    public Tensor EncodeBatch(SequenceBatch encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        SentenceBatches.CheckIds("TransformerTextAutoencoder.EncodeBatch", encoder.Ids, Vocabulary.Count);
        var embedded = Op.Embedding(encoder.Ids, Embedding);
        return Latent(Op.Reshape(embedded, encoder.BatchSize, encoder.MaxLength, Options.ModelSize), encoder.Mask,
            encoder.Lengths);
    }

    /// <inheritdoc cref="LstmTextAutoencoder.Loss"/>
    public Tensor Loss(SequenceBatch encoder, SequenceBatch decoder)
    {
        SentenceBatches.CheckPair("TransformerTextAutoencoder.Loss", encoder, decoder, Vocabulary.Count);
        var memory = Memory(EncodeBatch(encoder));
        var hidden = DecoderHidden(memory, decoder.Ids, decoder.BatchSize, decoder.MaxLength, decoder.Mask);
        return SentenceBatches.MaskedCrossEntropy(hidden, decoder, Output);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The encoder batch is <see cref="SequenceBatch.Create"/> with word dropout when the option is on; the decoder
    /// batch is <see cref="SequenceBatch.ForDecoder"/> with MaxLength + 1 steps, never corrupted.
    /// </remarks>
    public (Tensor Loss, int Tokens) BatchLoss(IReadOnlyList<int[]> sentences, IReadOnlyList<int> indices,
        Random? wordDropout)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentNullException.ThrowIfNull(indices);
        var encoder = SentenceBatches.Encoder(sentences, indices, Options.MaxLength, Options.WordDropout, wordDropout);
        var decoder = SequenceBatch.ForDecoder(sentences, indices, Options.MaxLength + 1);
        return (Loss(encoder, decoder), decoder.Lengths.Sum());
    }

    // Embedded encoder input (B, T, E) → z (B, Z). mask (B, T) is 1 on real tokens, null when every token is real.
    private Tensor Latent(Tensor x, float[]? mask, int[]? lengths)
    {
        int batch = x.Shape[0], steps = x.Shape[1], e = Options.ModelSize;
        if (SummaryToken is not null)
        {
            // The summary token goes in front (position 0) and is never masked; the words move to 1..T.
            x = Op.Concat([Op.Add(Tensor.Zeros(batch, 1, e), SummaryToken), x], axis: 1);
            mask = mask is null ? null : WithLeadingOne(mask, batch, steps);
            steps++;
        }
        var keyMask = mask is null ? null : Tensor.Wrap(mask, batch, steps);
        x = Positions.Forward(x);
        foreach (var block in _encoderBlocks) x = block.Forward(x, keyMask);
        var h = EncoderNorm.Forward(x);
        var pooled = SummaryToken is null
            ? MeanPool(h, mask, lengths)
            : Op.Reshape(Op.Slice(h, 1, 0, 1), batch, e);
        return ToLatent.Forward(pooled);
    }

    // mask (B, T) → (B, T + 1) with a 1 in front of every row.
    private static float[] WithLeadingOne(float[] mask, int batch, int steps)
    {
        var result = new float[batch * (steps + 1)];
        for (int b = 0; b < batch; b++)
        {
            result[b * (steps + 1)] = 1f;
            mask.AsSpan(b * steps, steps).CopyTo(result.AsSpan(b * (steps + 1) + 1, steps));
        }
        return result;
    }

    // Mean over the real steps of h (B, T, E) → (B, E), as one weighted sum: weight 1/length on real steps and
    // exactly 0 on padding, so a padded step adds +0 to the sum and gets a zero gradient. An empty sentence
    // (no real step) pools to the zero vector.
    private static Tensor MeanPool(Tensor h, float[]? mask, int[]? lengths)
    {
        int batch = h.Shape[0], steps = h.Shape[1];
        var weights = new float[batch * steps];
        for (int b = 0; b < batch; b++)
        {
            float w = 1f / Math.Max(1, lengths?[b] ?? steps);
            for (int t = 0; t < steps; t++)
                weights[b * steps + t] = mask is null ? w : mask[b * steps + t] * w;
        }
        return Op.Sum(Op.Mul(h, Tensor.Wrap(weights, batch, steps, 1)), axis: 1);
    }

    // z (B, Z) → the decoder's memory (B, 1, E).
    private Tensor Memory(Tensor z) => Op.Reshape(FromLatent.Forward(z), z.Shape[0], 1, Options.ModelSize);

    // Teacher-forced decoder outputs (B, T', E) for input ids (B, T'), after the final LayerNorm.
    private Tensor DecoderHidden(Tensor memory, int[] ids, int batch, int steps, float[]? mask)
    {
        var y = Op.Reshape(Op.Embedding(ids, Embedding), batch, steps, Options.ModelSize);
        var keyMask = mask is null ? null : Tensor.Wrap(mask, batch, steps);
        y = Positions.Forward(y);
        foreach (var block in _decoderBlocks) y = block.Forward(y, memory, null, keyMask, causal: true);
        return DecoderNorm.Forward(y);
    }

    /// <summary>
    /// The number of trained weights of a model with these options over <paramref name="vocabularySize"/> words
    /// (what <see cref="Layers.Module.ParameterCount"/> reports once it is built), computed without building it.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid or the vocabulary size is below 1.</exception>
    /// <exception cref="OverflowException">The count does not fit in a long.</exception>
    public static long CountParameters(TransformerTextAutoencoderOptions options, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (vocabularySize < 1)
            throw new ArgumentException($"TransformerTextAutoencoder.CountParameters: vocabulary size {vocabularySize} is below 1.", nameof(vocabularySize));
        checked
        {
            long e = options.ModelSize, f = options.FeedForwardSize, z = options.LatentSize, v = vocabularySize;
            long attention = 4 * (e * e + e);          // in_proj (3E, E) + (3E), out_proj (E, E) + (E)
            long feedForward = (f * e + f) + (e * f + e);
            long norm = 2 * e;
            long encoderBlock = attention + feedForward + 2 * norm;
            long decoderBlock = 2 * attention + feedForward + 3 * norm;
            long summary = options.Pooling == SentencePooling.SummaryToken ? e : 0;
            return v * e + summary                      // embedding, summary token
                + options.EncoderLayers * encoderBlock + norm
                + (e * z + z) + (z * e + e)             // to_latent, from_latent
                + options.DecoderLayers * decoderBlock + norm
                + (e * v + v);                          // output
        }
    }
}
