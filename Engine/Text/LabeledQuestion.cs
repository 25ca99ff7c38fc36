using Engine.Data;

namespace Engine.Text;

/// <summary>A question with its TREC coarse class (ABBR, DESC, ENTY, HUM, LOC, NUM) and fine class.</summary>
/// <param name="Text">The question text, e.g. "what is the capital of france ?".</param>
/// <param name="Label">The coarse class, one of <see cref="QuestionClasses.Coarse"/>.</param>
/// <param name="FineLabel">The fine class, e.g. "city" (TREC's part after the colon).</param>
public sealed record LabeledQuestion(string Text, string Label, string FineLabel);

/// <summary>A train/test split of labelled questions.</summary>
/// <param name="Train">Training questions.</param>
/// <param name="Test">Held-out questions.</param>
/// <param name="Source">Where the questions came from ("trec" or "synthetic").</param>
public sealed record QuestionSplit(IReadOnlyList<LabeledQuestion> Train, IReadOnlyList<LabeledQuestion> Test,
    string Source);

/// <summary>The six TREC coarse question classes (Li and Roth, 2002).</summary>
public static class QuestionClasses
{
    /// <summary>ABBR, DESC, ENTY, HUM, LOC, NUM, in this order (class index = position): <see cref="Trec.CoarseClasses"/>.</summary>
    public static IReadOnlyList<string> Coarse => Trec.CoarseClasses;

    /// <summary>The index of a coarse class in <see cref="Coarse"/>, or -1.</summary>
    public static int IndexOf(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        for (int i = 0; i < Coarse.Count; i++)
        {
            if (Coarse[i] == label)
                return i;
        }
        return -1;
    }
}
