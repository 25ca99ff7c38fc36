using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Text;

namespace Engine.Models;

public sealed partial class LstmTextAutoencoder
{
    /// <inheritdoc/>
    /// <remarks>Tokens map through <see cref="Vocabulary"/> (unknown → &lt;unk&gt;); see <see cref="EncodeIds"/>.</remarks>
    public float[] Encode(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        return EncodeIds(sentences.Select(ToIds).ToList());
    }

    /// <summary>
    /// Latent vectors of id sequences as a row-major (sentences.Count, Z) array, computed without recording a graph.
    /// Sentences are batched by length, so padding never enters a vector.
    /// </summary>
    public float[] EncodeIds(IReadOnlyList<int[]> sentences) =>
        SequenceInference.EncodeIds(sentences, LatentSize, rows => EncodeBatch(EncoderBatch(sentences, rows)));

    /// <inheritdoc/>
    public List<int[]> Reconstruct(IReadOnlyList<int[]> sentences) =>
        SequenceInference.Reconstruct(sentences,
            rows => GreedyDecode(EncodeBatch(EncoderBatch(sentences, rows)), Options.MaxLength));

    /// <summary>Reconstructs raw texts and returns the decoded sentences as text (tokens joined by spaces).</summary>
    public List<string> Reconstruct(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = texts.Select(t => ToIds(Tokenizer.Tokenize(t))).ToList();
        return Reconstruct(ids).Select(s => Vocabulary.Decode(s)).ToList();
    }

    /// <summary>
    /// Greedy decoding from latent vectors z (B, Z): start from &lt;bos&gt;, feed back the most likely word
    /// (never &lt;pad&gt; or &lt;bos&gt;) one step at a time, stop a row at &lt;eos&gt; or after
    /// <paramref name="maxLength"/> words. Returns the words of each row without &lt;eos&gt;. Records no graph.
    /// </summary>
    /// <exception cref="ArgumentException">z is not (B, Z) or maxLength &lt; 1.</exception>
    public List<int[]> GreedyDecode(Tensor z, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Rank != 2 || z.Shape[1] != LatentSize)
            throw new ArgumentException($"LstmTextAutoencoder.GreedyDecode: z is {z.Shape}; expected (B, {LatentSize}).", nameof(z));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        using var _ = GradMode.Disable();
        int batch = z.Shape[0], v = Vocabulary.Count;
        // The state carried from step to step lives in arrays of its own; each step's temporaries (gates, logits)
        // borrow from a scope that ends with the step, so decoding holds one step's memory, not maxLength steps'.
        var state = InitialState(z).Select(s => new LstmState(Unpooled(s.Hidden), Unpooled(s.Cell))).ToList();
        var words = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var finished = new bool[batch];
        var previous = Enumerable.Repeat(Vocabulary.BosId, batch).ToArray();
        bool running = true;
        for (int step = 0; step <= maxLength && running; step++)
        {
            using var scope = TensorScope.Begin();
            var x = Op.Reshape(Op.Embedding(previous, Embedding), batch, 1, Options.EmbeddingSize);
            var run = Decoder.Run(x, null, state);
            var logits = Output.Forward(Op.Reshape(run.Output, batch, Options.HiddenSize)).ReadOnlySpan;
            running = SequenceInference.Step(logits, v, step, maxLength, previous, words, finished);
            for (int l = 0; l < state.Count; l++)
            {
                run.FinalStates[l].Hidden.ReadOnlySpan.CopyTo(state[l].Hidden.Span);
                run.FinalStates[l].Cell.ReadOnlySpan.CopyTo(state[l].Cell.Span);
            }
        }
        return words.Select(w => w.ToArray()).ToList();
    }

    private static Tensor Unpooled(Tensor t)
    {
        var copy = Tensor.ZerosUnpooled(t.Shape);
        t.ReadOnlySpan.CopyTo(copy.Span);
        return copy;
    }
}
