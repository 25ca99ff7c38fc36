using Engine.Text;

namespace Engine.Tests.Testing;

/// <summary>The toy language of the sentence-autoencoder tests: ten words and random sentences over them.</summary>
public static class ToyText
{
    /// <summary>A vocabulary of ten words w0..w9 (ids 4..13 after the four special tokens).</summary>
    public static Vocabulary TenWords { get; } = Vocabulary.Build([Enumerable.Range(0, 10).Select(i => $"w{i}").ToArray()]);

    /// <summary>
    /// <paramref name="count"/> id sequences of minLength..maxLength words, drawn uniformly from the first
    /// <paramref name="words"/> words of <see cref="TenWords"/>.
    /// </summary>
    public static List<int[]> Sentences(Random random, int count, int minLength, int maxLength, int words = 10) =>
        Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, random.Next(minLength, maxLength + 1))
                .Select(_ => Vocabulary.SpecialCount + random.Next(words)).ToArray())
            .ToList();
}
