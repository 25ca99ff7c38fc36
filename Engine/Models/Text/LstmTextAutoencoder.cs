using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Text;

namespace Engine.Models;

// Legend: B = sentences in the batch, T = padded encoder steps, T' = T + 1 decoder steps, V = vocabulary size,
// E = embedding size, H = hidden size, D = encoder directions, L = layers, Z = latent size,
// N = real decoder positions (Σ (length + 1)).

/// <summary>
/// A sequence-to-sequence autoencoder for sentences (Dai and Le 2015; Bowman et al. 2016 without the VAE part):
/// word embedding → encoder LSTM (optionally bidirectional, multi-layer) → final hidden state(s) → Linear to the
/// latent sentence vector z (Z) → Linear to the decoder's initial (h0, c0) per layer → decoder LSTM with teacher
/// forcing (input <c>&lt;bos&gt; w1..wn</c>, target <c>w1..wn &lt;eos&gt;</c>) → Linear to vocabulary logits →
/// cross-entropy over the real target tokens only.
/// </summary>
/// <remarks>
/// Padding costs nothing and changes nothing: the LSTMs skip positions past each sentence's length, and only the
/// N real decoder rows are gathered before the vocabulary projection (the largest product), so the loss is the
/// mean over real target tokens. Parameter names follow PyTorch: <c>embedding.weight</c>, <c>encoder.weight_ih_l0</c>,
/// <c>to_latent.weight</c>, <c>to_state.weight</c>, <c>decoder.weight_ih_l0</c>, <c>output.weight</c>, ...
/// The decoder's h0 per layer is tanh of its slice of <c>to_state(z)</c>, c0 is the next slice unchanged.
/// Inference (encoding, greedy decoding) is in LstmTextAutoencoder.Inference.cs, saving in .Persistence.cs.
/// </remarks>
public sealed partial class LstmTextAutoencoder : Module, ISequenceAutoencoder
{
    /// <summary>Creates the model for <paramref name="vocabulary"/>, initialised from <paramref name="random"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range (see <see cref="LstmTextAutoencoderOptions.Validate"/>).</exception>
    public LstmTextAutoencoder(Vocabulary vocabulary, LstmTextAutoencoderOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        Vocabulary = vocabulary;
        Options = options;
        int v = vocabulary.Count, e = options.EmbeddingSize, h = options.HiddenSize, layers = options.Layers;
        Embedding = RegisterModule("embedding", new EmbeddingTable(v, e, random)).Weight;
        Encoder = RegisterModule("encoder", new Lstm(e, h, random, layers, options.Bidirectional));
        int pooled = (options.Pooling == LstmPooling.MeanMax ? 2 : 1) * Encoder.NumDirections * h;
        ToLatent = RegisterModule("to_latent", new Linear(pooled, options.LatentSize, random));
        ToState = RegisterModule("to_state", new Linear(options.LatentSize, 2 * layers * h, random));
        Decoder = RegisterModule("decoder", new Lstm(e, h, random, layers));
        Output = RegisterModule("output", new Linear(h, v, random));
    }

    /// <inheritdoc/>
    public Vocabulary Vocabulary { get; }

    /// <summary>The sizes this model was built with.</summary>
    public LstmTextAutoencoderOptions Options { get; }

    /// <summary>Z, the length of a sentence vector.</summary>
    public int LatentSize => Options.LatentSize;

    /// <inheritdoc/>
    public int Dimensions => Options.LatentSize;

    /// <summary>Word embeddings (V, E), read by both the encoder and the decoder.</summary>
    public Tensor Embedding { get; }

    /// <summary>The encoder LSTM.</summary>
    public Lstm Encoder { get; }

    /// <summary>Final encoder hidden state(s) (B, D·H), or mean and max pooling (B, 2·D·H), → latent z (B, Z).</summary>
    public Linear ToLatent { get; }

    /// <summary>z (B, Z) → [h0 | c0] per decoder layer (B, 2·L·H).</summary>
    public Linear ToState { get; }

    /// <summary>The decoder LSTM (forward only).</summary>
    public Lstm Decoder { get; }

    /// <summary>Decoder hidden state (·, H) → vocabulary logits (·, V).</summary>
    public Linear Output { get; }

    /// <summary>
    /// Starts the embedding table from pretrained word vectors (e.g. Word2Vec trained on the same sentences): the row
    /// of every vocabulary word that <paramref name="vectors"/> knows becomes its vector, times one factor that gives
    /// the copied values a standard deviation of 1, the spread of the N(0, 1) rows left for the other words. Training
    /// then fine-tunes the table as usual.
    /// </summary>
    /// <returns>How many vocabulary words were found in <paramref name="vectors"/>.</returns>
    /// <exception cref="ArgumentException">The vectors' length is not the embedding size E.</exception>
    public int InitializeEmbeddings(WordVectors vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        int e = Options.EmbeddingSize;
        if (vectors.Dimensions != e)
            throw new ArgumentException(
                $"LstmTextAutoencoder.InitializeEmbeddings: the word vectors have {vectors.Dimensions} dimensions; the embedding size is {e}.",
                nameof(vectors));
        var found = new List<(int Id, int Row)>();
        for (int id = Vocabulary.SpecialCount; id < Vocabulary.Count; id++)
        {
            int row = vectors.IndexOf(Vocabulary.TokenOf(id));
            if (row >= 0) found.Add((id, row));
        }
        if (found.Count == 0) return 0;
        double sum = 0, sumSquares = 0;
        foreach (var (_, row) in found)
            foreach (float value in vectors.Vectors.Slice(row * e, e))
            {
                sum += value;
                sumSquares += (double)value * value;
            }
        double n = (double)found.Count * e, mean = sum / n;
        double std = Math.Sqrt(Math.Max(sumSquares / n - mean * mean, 0));
        float scale = std > 1e-12 ? (float)(1 / std) : 1f;
        var table = Embedding.Span;
        foreach (var (id, row) in found)
        {
            var source = vectors.Vectors.Slice(row * e, e);
            var target = table.Slice(id * e, e);
            for (int j = 0; j < e; j++) target[j] = source[j] * scale;
        }
        return found.Count;
    }

    /// <summary>
    /// A copy of the embedding table as word vectors: one row per vocabulary word (the special tokens left out), e.g.
    /// for <see cref="MeanWordVectorEncoder"/>: the mean of a sentence's embeddings as the model learned them.
    /// </summary>
    public WordVectors WordEmbeddings()
    {
        int e = Options.EmbeddingSize, first = Vocabulary.SpecialCount;
        var words = Enumerable.Range(first, Vocabulary.Count - first).Select(Vocabulary.TokenOf).ToArray();
        return new WordVectors(words, Embedding.ReadOnlySpan[(first * e)..].ToArray(), e);
    }

    /// <summary>
    /// Encodes a batch of full-length id rows (B, T) given as floats (no padding) into latent vectors (B, Z).
    /// For padded batches use <see cref="EncodeBatch"/>.
    /// </summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2)
            throw new ArgumentException($"LstmTextAutoencoder.Forward: ids are {input.Shape}; expected (B, T).", nameof(input));
        var x = Op.Embedding(input, Embedding);
        return Latent(x, null);
    }

    /// <inheritdoc/>
    public int[] ToIds(IReadOnlyList<string> tokens) => SentenceBatches.ToIds(Vocabulary, tokens, Options.MaxLength);

    /// <summary>
    /// The encoder's padded batch of the picked sentences (truncated to <see cref="LstmTextAutoencoderOptions.MaxLength"/>),
    /// with word dropout applied when <paramref name="wordDropout"/> is given and the option is positive.
    /// </summary>
    public SequenceBatch EncoderBatch(IReadOnlyList<int[]> sentences, IReadOnlyList<int>? indices = null,
        Random? wordDropout = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        return SentenceBatches.Encoder(sentences, indices, Options.MaxLength, Options.WordDropout, wordDropout);
    }

    /// <summary>The decoder's teacher-forcing batch of the same sentences (never corrupted).</summary>
    public SequenceBatch DecoderBatch(IReadOnlyList<int[]> sentences, IReadOnlyList<int>? indices = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        return SequenceBatch.ForDecoder(sentences, indices, Options.MaxLength + 1);
    }

    /// <summary>Latent vectors (B, Z) of a padded encoder batch; differentiable.</summary>
    public Tensor EncodeBatch(SequenceBatch encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        SentenceBatches.CheckIds("LstmTextAutoencoder.EncodeBatch", encoder.Ids, Vocabulary.Count);
        var x = Op.Embedding(encoder.Ids, Embedding);
        return Latent(Op.Reshape(x, encoder.BatchSize, encoder.MaxLength, Options.EmbeddingSize), encoder.Lengths);
    }

    /// <summary>
    /// Mean cross-entropy over the real target tokens of <paramref name="decoder"/> (padding excluded), with the
    /// latent taken from <paramref name="encoder"/>. Both batches must hold the same sentences in the same rows.
    /// </summary>
    /// <exception cref="ArgumentException">The batches differ in size, or the decoder batch has no targets.</exception>
    public Tensor Loss(SequenceBatch encoder, SequenceBatch decoder)
    {
        SentenceBatches.CheckPair("LstmTextAutoencoder.Loss", encoder, decoder, Vocabulary.Count);
        var z = EncodeBatch(encoder);
        var hidden = DecoderHidden(z, decoder.Ids, decoder.BatchSize, decoder.MaxLength, decoder.Lengths);

        return SentenceBatches.MaskedCrossEntropy(hidden, decoder, Output);
    }

    /// <inheritdoc/>
    public (Tensor Loss, int Tokens) BatchLoss(IReadOnlyList<int[]> sentences, IReadOnlyList<int> indices,
        Random? wordDropout)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentNullException.ThrowIfNull(indices);
        var decoder = DecoderBatch(sentences, indices);
        return (Loss(EncoderBatch(sentences, indices, wordDropout), decoder), decoder.Lengths.Sum());
    }

    // Embedded encoder input (B, T, E) → z (B, Z), from the last layer's final hidden state of each direction or
    // from mean and max pooling of its outputs (see LstmPooling).
    private Tensor Latent(Tensor x, int[]? lengths)
    {
        var run = Encoder.Run(x, lengths);
        if (Options.Pooling == LstmPooling.MeanMax)
            return ToLatent.Forward(MeanMaxPool(run.Output, lengths));
        var finals = run.FinalStates;
        int last = (Encoder.NumLayers - 1) * Encoder.NumDirections;
        var h = Encoder.Bidirectional
            ? Op.Concat([finals[last].Hidden, finals[last + 1].Hidden], axis: 1)
            : finals[last].Hidden;
        return ToLatent.Forward(h);
    }

    // Outputs h (B, T, C) → [mean | max] over each row's real steps (B, 2C). The mean is one weighted sum (1/length
    // on real steps, exactly 0 on padding). For the max, padded steps (whose output is 0) get −4 added first: LSTM
    // outputs lie in (−1, 1), so a padded step never wins and gets no gradient. An empty row pools to zeros.
    private static Tensor MeanMaxPool(Tensor h, int[]? lengths)
    {
        int batch = h.Shape[0], steps = h.Shape[1];
        var weights = new float[batch * steps];
        var offsets = new float[batch * steps];
        for (int b = 0; b < batch; b++)
        {
            int length = lengths?[b] ?? steps;
            for (int t = 0; t < steps; t++)
            {
                weights[b * steps + t] = t < length ? 1f / length : 0f;
                offsets[b * steps + t] = t < length || length == 0 ? 0f : -4f;
            }
        }
        var mean = Op.Sum(Op.Mul(h, Tensor.Wrap(weights, batch, steps, 1)), axis: 1);
        var max = Op.Max(Op.Add(h, Tensor.Wrap(offsets, batch, steps, 1)), axis: 1);
        return Op.Concat([mean, max], axis: 1);
    }

    // The decoder's initial state per layer from z: h0 = tanh(slice), c0 = next slice.
    private List<LstmState> InitialState(Tensor z)
    {
        var s = ToState.Forward(z);
        int h = Options.HiddenSize;
        var states = new List<LstmState>(Options.Layers);
        for (int l = 0; l < Options.Layers; l++)
            states.Add(new LstmState(Op.Tanh(Op.Slice(s, 1, 2 * l * h, h)), Op.Slice(s, 1, (2 * l + 1) * h, h)));
        return states;
    }

    // Teacher-forced decoder outputs (B, T', H) for input ids (B, T') starting from z.
    private Tensor DecoderHidden(Tensor z, int[] ids, int batch, int steps, int[] lengths)
    {
        var x = Op.Reshape(Op.Embedding(ids, Embedding), batch, steps, Options.EmbeddingSize);
        return Decoder.Run(x, lengths, InitialState(z)).Output;
    }
}
