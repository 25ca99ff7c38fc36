using Engine.Autodiff;
using Engine.Autodiff.Ops;
using Engine.Tensors;
using Engine.Text;

namespace Engine.Models;

public sealed partial class TransformerTextAutoencoder
{
    /// <inheritdoc/>
    /// <remarks>Unknown tokens become &lt;unk&gt;, long sentences are cut to MaxLength; see <see cref="EncodeIds"/>.</remarks>
    public float[] Encode(IReadOnlyList<IReadOnlyList<string>> sentences) =>
        EncodeIds((sentences ?? throw new ArgumentNullException(nameof(sentences))).Select(ToIds).ToList());

    /// <summary>
    /// The sentence vectors of id sequences, row-major (sentences.Count, Z), with no graph recorded. Batches are
    /// formed by length, and padding never changes a vector. In training mode dropout would act, so call
    /// <see cref="Layers.Module.Eval"/> first (<c>Training.TextTrainer.Fit</c> ends in eval mode).
    /// </summary>
    public float[] EncodeIds(IReadOnlyList<int[]> sentences) => SequenceInference.EncodeIds(sentences, LatentSize,
        rows => EncodeBatch(SequenceBatch.Create(sentences, rows, Options.MaxLength)));

    /// <inheritdoc/>
    public List<int[]> Reconstruct(IReadOnlyList<int[]> sentences) =>
        SequenceInference.Reconstruct(sentences,
            rows => GreedyDecode(EncodeBatch(SequenceBatch.Create(sentences, rows, Options.MaxLength)), Options.MaxLength));

    /// <summary>
    /// Greedy decoding from latent vectors z (B, Z): start from &lt;bos&gt;; at every step run the decoder over the
    /// words so far and append the most likely next word (never &lt;pad&gt; or &lt;bos&gt;); stop a row at
    /// &lt;eos&gt; or after <paramref name="maxLength"/> words. Returns each row's words without &lt;eos&gt;.
    /// Records no graph.
    /// </summary>
    /// <exception cref="ArgumentException">z is not (B, Z).</exception>
    /// <exception cref="ArgumentOutOfRangeException">maxLength is below 1 or above the model's MaxLength.</exception>
    public List<int[]> GreedyDecode(Tensor z, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.Rank != 2 || z.Shape[1] != LatentSize)
            throw new ArgumentException($"TransformerTextAutoencoder.GreedyDecode: z is {z.Shape}; expected (B, {LatentSize}).", nameof(z));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLength, Options.MaxLength);
        using var _ = GradMode.Disable();
        int batch = z.Shape[0], e = Options.ModelSize;
        var memory = Memory(z);
        // inputs holds every row's decoder input so far, row-major with stride maxLength + 1: <bos>, then each pick.
        int stride = maxLength + 1;
        var inputs = new int[batch * stride];
        for (int b = 0; b < batch; b++) inputs[b * stride] = Vocabulary.BosId;
        var words = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var finished = new bool[batch];
        var picked = new int[batch];
        bool running = true;
        for (int step = 0; step <= maxLength && running; step++)
        {
            // The decoder is causal, so rerunning it over the prefix gives the same outputs at earlier steps;
            // only the last step's output is projected to the vocabulary.
            // Each step's temporaries borrow from a scope that ends with the step (memory was made before it).
            using var scope = TensorScope.Begin();
            int steps = step + 1;
            var ids = new int[batch * steps];
            var last = new int[batch];
            for (int b = 0; b < batch; b++)
            {
                inputs.AsSpan(b * stride, steps).CopyTo(ids.AsSpan(b * steps, steps));
                last[b] = b * steps + step;
            }
            var hidden = Op.Reshape(DecoderHidden(memory, ids, batch, steps, null), batch * steps, e);
            var logits = Output.Forward(Op.GatherRows(hidden, last)).ReadOnlySpan;
            running = SequenceInference.Step(logits, Vocabulary.Count, step, maxLength, picked, words, finished);
            if (step < maxLength)
                for (int b = 0; b < batch; b++) inputs[b * stride + steps] = picked[b];
        }
        return words.Select(w => w.ToArray()).ToList();
    }
}
