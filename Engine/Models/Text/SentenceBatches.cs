using Engine.Autodiff.Ops;
using Engine.Layers;
using Engine.Tensors;
using Engine.Text;

namespace Engine.Models;

/// <summary>
/// What the sentence autoencoders share between input and model: truncation to the model's length, the encoder
/// batch with its word dropout, and argument checks whose messages name the model and method.
/// </summary>
internal static class SentenceBatches
{
    // The ids of a tokenised sentence (unknown words → <unk>), truncated to maxLength words.
    public static int[] ToIds(Vocabulary vocabulary, IReadOnlyList<string> tokens, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int[] ids = vocabulary.Encode(tokens);
        return ids.Length <= maxLength ? ids : ids[..maxLength];
    }

    // The padded encoder batch, corrupted by word dropout (rate > 0 and a Random given) for denoising.
    public static SequenceBatch Encoder(IReadOnlyList<int[]> sentences, IReadOnlyList<int>? indices, int maxLength,
        float wordDropoutRate, Random? wordDropout)
    {
        var batch = SequenceBatch.Create(sentences, indices, maxLength);
        if (wordDropout is not null && wordDropoutRate > 0)
            WordDropout.Apply(batch.Ids, batch.MaxLength, batch.Lengths, wordDropoutRate, wordDropout);
        return batch;
    }

    // Encoder and teacher-forcing batches of the same sentences, every id inside the vocabulary.
    public static void CheckPair(string op, SequenceBatch encoder, SequenceBatch decoder, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        if (decoder.TargetIds is null || decoder.BatchSize != encoder.BatchSize)
            throw new ArgumentException($"{op}: need an encoder batch and a ForDecoder batch of the same sentences; got {encoder.BatchSize} and {decoder.BatchSize} rows{(decoder.TargetIds is null ? ", no targets" : "")}.",
                nameof(decoder));
        CheckIds(op, decoder.Ids, vocabularySize);
        CheckIds(op, decoder.TargetIds, vocabularySize);
    }

    public static void CheckIds(string op, int[] ids, int vocabularySize)
    {
        foreach (int id in ids)
            if ((uint)id >= (uint)vocabularySize)
                throw new ArgumentException($"{op}: id {id} is outside the vocabulary 0..{vocabularySize - 1}.");
    }

    // Mean cross-entropy of the decoder's outputs hidden (B, T', H) against the batch's targets, over the real
    // positions only: they are gathered before the vocabulary projection (the largest product), so padding costs
    // nothing and gets no gradient.
    public static Tensor MaskedCrossEntropy(Tensor hidden, SequenceBatch decoder, Linear output)
    {
        var (rows, targets) = decoder.RealTargets();
        var flat = Op.Reshape(hidden, decoder.BatchSize * decoder.MaxLength, hidden.Shape[-1]);
        return Op.CrossEntropyLoss(output.Forward(Op.GatherRows(flat, rows)), targets);
    }
}
