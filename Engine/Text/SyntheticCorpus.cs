using System.Text;
using System.Text.RegularExpressions;

namespace Engine.Text;

/// <summary>
/// A small labelled question corpus generated from a template grammar written for this project (see
/// <c>SyntheticGrammar.cs</c>): 46 templates over the six TREC coarse classes, slots filled from word lists of a
/// few hundred words. It is the fallback when the TREC files are absent, so every example and test runs offline.
/// </summary>
/// <remarks>
/// Generation is exact and seeded: each template's sentences (every combination of its slot values) are listed
/// and shuffled, then templates take turns, in a shuffled order each round, giving their next sentence until
/// enough sentences are drawn. Templates with few combinations run out early; the rest share the remainder, so
/// the classes stay roughly balanced and no sentence repeats.
/// </remarks>
public static partial class SyntheticCorpus
{
    /// <summary>Default number of sentences (train + test).</summary>
    public const int DefaultCount = 4000;

    /// <summary>Default fraction of sentences held out for testing.</summary>
    public const double DefaultTestFraction = 0.2;

    /// <summary>Number of templates in the grammar.</summary>
    public static int TemplateCount => SyntheticGrammar.Templates.Length;

    /// <summary>Number of distinct sentences the grammar can produce (the largest valid count).</summary>
    public static int MaxCount { get; } = SyntheticGrammar.Templates.Sum(t => Expand(t).Count);

    /// <summary>Generates <paramref name="count"/> distinct labelled questions (lower-case, tokens separated by spaces).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not in [1, MaxCount].</exception>
    public static List<LabeledQuestion> Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        var random = new Random(seed);
        var pools = new List<Queue<LabeledQuestion>>();
        foreach (var template in SyntheticGrammar.Templates)
        {
            var sentences = Expand(template).ToArray();
            random.Shuffle(sentences);
            pools.Add(new Queue<LabeledQuestion>(sentences));
        }

        var result = new List<LabeledQuestion>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (result.Count < count)
        {
            var round = pools.Where(p => p.Count > 0).ToArray();
            random.Shuffle(round);
            foreach (var pool in round)
            {
                var question = pool.Dequeue();
                if (seen.Add(question.Text))
                    result.Add(question);
                if (result.Count == count)
                    break;
            }
        }
        return result;
    }

    /// <summary>
    /// Generates <paramref name="count"/> questions and splits them, stratified by coarse class, into train and
    /// test (about <paramref name="testFraction"/> of each class, at least one per class when it has two or more).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in [0, 1).</exception>
    public static QuestionSplit GenerateSplit(int count, double testFraction, int seed)
    {
        if (!(testFraction >= 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "Must be in [0, 1).");
        var all = Generate(count, seed);
        var train = new List<LabeledQuestion>();
        var test = new List<LabeledQuestion>();
        foreach (string label in QuestionClasses.Coarse)
        {
            // Generate already shuffled; take the first part of each class for testing.
            var members = all.Where(q => q.Label == label).ToList();
            int testCount = (int)Math.Round(members.Count * testFraction);
            if (testFraction > 0 && members.Count >= 2)
                testCount = Math.Clamp(testCount, 1, members.Count - 1);
            test.AddRange(members.Take(testCount));
            train.AddRange(members.Skip(testCount));
        }
        return new QuestionSplit(train, test, "synthetic");
    }

    // Every sentence a template can produce, in a fixed order.
    private static List<LabeledQuestion> Expand(SyntheticGrammar.Template template)
    {
        var matches = SlotPattern().Matches(template.Pattern);
        var lists = matches.Select(m => SyntheticGrammar.Slots[m.Groups[1].Value]).ToArray();
        var choice = new int[lists.Length];
        var sentences = new List<LabeledQuestion>();
        while (true)
        {
            if (SecondSlotsDiffer(matches, choice))
                sentences.Add(new LabeledQuestion(Fill(template.Pattern, matches, lists, choice), template.Label,
                    template.Fine));

            // Advance the mixed-radix counter over the slot lists.
            int k = lists.Length - 1;
            while (k >= 0 && ++choice[k] == lists[k].Length)
                choice[k--] = 0;
            if (k < 0)
                return sentences;
        }
    }

    // "{city2}" must differ from "{city}" in the same sentence.
    private static bool SecondSlotsDiffer(MatchCollection matches, int[] choice)
    {
        for (int i = 0; i < matches.Count; i++)
        {
            if (matches[i].Groups[2].Value != "2")
                continue;
            for (int j = 0; j < matches.Count; j++)
            {
                if (j != i && matches[j].Groups[1].Value == matches[i].Groups[1].Value && choice[j] == choice[i])
                    return false;
            }
        }
        return true;
    }

    private static string Fill(string pattern, MatchCollection matches, string[][] lists, int[] choice)
    {
        var builder = new StringBuilder();
        int last = 0;
        for (int i = 0; i < matches.Count; i++)
        {
            builder.Append(pattern, last, matches[i].Index - last).Append(lists[i][choice[i]]);
            last = matches[i].Index + matches[i].Length;
        }
        return builder.Append(pattern, last, pattern.Length - last).ToString();
    }

    [GeneratedRegex(@"\{([a-z]+?)(2?)\}")]
    private static partial Regex SlotPattern();
}
