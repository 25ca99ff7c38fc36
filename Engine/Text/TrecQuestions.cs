using System.Text;

namespace Engine.Text;

/// <summary>
/// Reads the TREC question classification files of Li and Roth (2002), e.g. <c>train_5500.label</c>: Latin-1
/// text, one question per line as <c>COARSE:fine question tokens</c>. The files are not shipped with this
/// repository; <see cref="LoadOrSynthetic"/> falls back to <see cref="SyntheticCorpus"/> when they are absent.
/// </summary>
public static class TrecQuestions
{
    /// <summary>Loads one TREC label file.</summary>
    /// <exception cref="InvalidDataException">A line is malformed; the message names the file and line.</exception>
    public static List<LabeledQuestion> Load(string path)
    {
        var questions = new List<LabeledQuestion>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path, Encoding.Latin1))
        {
            lineNumber++;
            if (line.Length == 0)
                continue;
            int space = line.IndexOf(' ');
            int colon = space > 0 ? line.IndexOf(':', 0, space) : -1;
            if (colon <= 0 || colon == space - 1)
                throw new InvalidDataException(
                    $"{path}:{lineNumber}: expected 'COARSE:fine question', found '{Clip(line)}'.");
            string coarse = line[..colon];
            if (QuestionClasses.IndexOf(coarse) < 0)
                throw new InvalidDataException($"{path}:{lineNumber}: unknown coarse class '{Clip(coarse)}' " +
                    $"(expected one of {string.Join(", ", QuestionClasses.Coarse)}).");
            string text = line[(space + 1)..].Trim();
            if (text.Length == 0)
                throw new InvalidDataException($"{path}:{lineNumber}: the question text is empty.");
            questions.Add(new LabeledQuestion(text, coarse, line[(colon + 1)..space]));
        }
        return questions;
    }

    /// <summary>
    /// Loads the TREC train and test files if both exist, otherwise generates the synthetic corpus
    /// (<see cref="SyntheticCorpus.GenerateSplit"/> with <paramref name="seed"/>). <see cref="QuestionSplit.Source"/>
    /// says which one was used.
    /// </summary>
    public static QuestionSplit LoadOrSynthetic(string? trainPath, string? testPath, int seed)
    {
        if (trainPath is not null && testPath is not null && File.Exists(trainPath) && File.Exists(testPath))
            return new QuestionSplit(Load(trainPath), Load(testPath), "trec");
        return SyntheticCorpus.GenerateSplit(SyntheticCorpus.DefaultCount, SyntheticCorpus.DefaultTestFraction, seed);
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
