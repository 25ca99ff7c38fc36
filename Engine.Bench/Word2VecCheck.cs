using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Engine.Text;

namespace Engine.Bench;

/// <summary>
/// Side-by-side speed check of <see cref="Word2VecTrainer"/> against gensim (peers/word2vec_peer.py).
/// Usage: <c>word2vec [file] [--threads 1,2] [--epochs 5] [--min-count 5] [--repeat 1] [--runs 1] [--table 0 (automatic)]</c>.
/// The file is a TREC label file (Latin-1, "COARSE:fine question", label stripped) or any text; both tools lower-case
/// it and split on white space, one sentence per line, so they train on identical tokens.
/// Without a file it uses ../shared/data/trec/train_5500.label beside the repository, or the synthetic corpus if that is absent.
/// </summary>
public static partial class Word2VecCheck
{
    /// <summary>Runs the check and prints words/second and nearest neighbours.</summary>
    public static void Run(string[] args)
    {
        string? file = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && a != "word2vec"
            && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).FirstOrDefault();
        int[] threadCounts = Option(args, "--threads", "1,2").Split(',').Select(int.Parse).ToArray();
        int epochs = int.Parse(Option(args, "--epochs", "5"), CultureInfo.InvariantCulture);
        int minCount = int.Parse(Option(args, "--min-count", "5"), CultureInfo.InvariantCulture);
        int repeat = int.Parse(Option(args, "--repeat", "1"), CultureInfo.InvariantCulture);
        int runs = int.Parse(Option(args, "--runs", "1"), CultureInfo.InvariantCulture);
        int table = int.Parse(Option(args, "--table", "0"), CultureInfo.InvariantCulture);

        var sentences = LoadSentences(file ?? RepositoryPaths.Shared("trec", "train_5500.label"), out string source);
        var corpus = Enumerable.Repeat(sentences, repeat).SelectMany(s => s).ToList();
        long tokens = corpus.Sum(s => (long)s.Count);
        Console.WriteLine($"corpus: {source} x{repeat}: {corpus.Count} sentences, {tokens} tokens");
        foreach (int threads in threadCounts)
        {
            for (int run = 0; run < runs; run++)
            {
                var options = new Word2VecOptions
                {
                    Dimensions = 100, Window = 5, Negative = 5, MinCount = minCount, Sample = 1e-3,
                    Epochs = epochs, Threads = threads, Seed = 1, UnigramTableSize = table,
                };
                var result = Word2VecTrainer.Train(corpus, options);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ours threads={threads}: vocab {result.Vectors.Count}, {result.TrainWords} words/epoch, " +
                    $"{result.TrainingTime.TotalSeconds:F2} s, {result.WordsPerSecond:F0} words/s, " +
                    $"cpu {result.TrainingCpuTime.TotalSeconds:F2} s, " +
                    $"{result.TrainWords * (double)epochs / result.TrainingCpuTime.TotalSeconds:F0} words/cpu-s"));
                if (run == runs - 1)
                    PrintNeighbours(result.Vectors);
            }
        }
    }

    private static void PrintNeighbours(WordVectors vectors)
    {
        foreach (string word in new[] { "city", "president", "water", "license", "software" })
        {
            if (!vectors.Contains(word))
                continue;
            var near = vectors.MostSimilar(word, 5)
                .Select(n => string.Create(CultureInfo.InvariantCulture, $"{n.Word} {n.Cosine:F2}"));
            Console.WriteLine($"  {word}: {string.Join(", ", near)}");
        }
    }

    private static List<IReadOnlyList<string>> LoadSentences(string path, out string source)
    {
        if (!File.Exists(path))
        {
            source = "synthetic corpus";
            return SyntheticCorpus.Generate(SyntheticCorpus.DefaultCount, 1)
                .Select(q => (IReadOnlyList<string>)Split(q.Text)).ToList();
        }
        source = path;
        var lines = File.ReadAllLines(path, Encoding.Latin1);
        bool trec = lines.Length > 0 && lines.Take(20).All(l => TrecLine().IsMatch(l));
        return lines.Select(l => trec ? l[(l.IndexOf(' ') + 1)..] : l)
            .Select(l => (IReadOnlyList<string>)Split(l)).Where(s => s.Count > 0).ToList();
    }

    // Same as Python's str.lower().split().
    private static string[] Split(string line) =>
        line.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    [GeneratedRegex(@"^[A-Z]+:\S+ ")]
    private static partial Regex TrecLine();
}
