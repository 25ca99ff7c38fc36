using Engine.Data;

namespace Engine.Text;

/// <summary>
/// The labelled questions the text comparison runs on: the TREC files (read by <see cref="Trec"/>, the one TREC
/// reader) when they are present, otherwise the <see cref="SyntheticCorpus"/> that ships with the code.
/// </summary>
public static class QuestionCorpus
{
    /// <summary>TREC questions as labelled questions (coarse class as the label, fine class kept).</summary>
    public static List<LabeledQuestion> FromTrec(IEnumerable<TrecQuestion> questions)
    {
        ArgumentNullException.ThrowIfNull(questions);
        return questions.Select(q => new LabeledQuestion(q.Text, q.Coarse, q.Fine)).ToList();
    }

    /// <summary>
    /// Reads the TREC train and test files with <see cref="Trec.Read(string)"/> if both exist, otherwise generates
    /// the synthetic corpus (<see cref="SyntheticCorpus.GenerateSplit"/> with <paramref name="seed"/>).
    /// <see cref="QuestionSplit.Source"/> says which one was used.
    /// </summary>
    /// <exception cref="FormatException">A TREC line is malformed; the message names the file and line.</exception>
    public static QuestionSplit LoadTrecOrSynthetic(string? trainPath, string? testPath, int seed)
    {
        if (trainPath is not null && testPath is not null && File.Exists(trainPath) && File.Exists(testPath))
            return new QuestionSplit(FromTrec(Trec.Read(trainPath)), FromTrec(Trec.Read(testPath)), "trec");
        return SyntheticCorpus.GenerateSplit(SyntheticCorpus.DefaultCount, SyntheticCorpus.DefaultTestFraction, seed);
    }
}
