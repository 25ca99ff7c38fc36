using Engine.Data;
using Engine.Text;

namespace Engine.Tests.Text;

[Trait("Layer", "Text")]
public sealed class SyntheticCorpusTests
{
    [Fact]
    public void Generate_GivesDistinctLabelledSentences_OverAllSixClasses()
    {
        var questions = SyntheticCorpus.Generate(SyntheticCorpus.DefaultCount, seed: 1);
        Assert.Equal(SyntheticCorpus.DefaultCount, questions.Count);
        Assert.Equal(questions.Count, questions.Select(q => q.Text).Distinct().Count());
        Assert.True(SyntheticCorpus.TemplateCount >= 30);
        Assert.True(SyntheticCorpus.MaxCount >= 5000, $"only {SyntheticCorpus.MaxCount} distinct sentences");
        foreach (string label in QuestionClasses.Coarse)
            Assert.True(questions.Count(q => q.Label == label) >= 200, $"class {label} is too small");
        var vocabulary = Vocabulary.FromTexts(questions.Select(q => q.Text));
        Assert.InRange(vocabulary.Count, 300, 1000);
        // Sentences are already in normalised form, so the tokenizer leaves them unchanged.
        Assert.All(questions.Take(200), q => Assert.Equal(q.Text, Tokenizer.Normalize(q.Text)));
    }

    [Fact]
    public void Generate_IsSeeded()
    {
        var a = SyntheticCorpus.Generate(500, seed: 5);
        var b = SyntheticCorpus.Generate(500, seed: 5);
        var c = SyntheticCorpus.Generate(500, seed: 6);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticCorpus.Generate(SyntheticCorpus.MaxCount + 1, 1));
    }

    [Fact]
    public void GenerateSplit_IsDisjointAndStratified()
    {
        var split = SyntheticCorpus.GenerateSplit(3000, 0.2, seed: 2);
        Assert.Equal(3000, split.Train.Count + split.Test.Count);
        Assert.Empty(split.Train.Select(q => q.Text).Intersect(split.Test.Select(q => q.Text)));
        foreach (string label in QuestionClasses.Coarse)
        {
            double total = split.Train.Count(q => q.Label == label) + split.Test.Count(q => q.Label == label);
            Assert.InRange(split.Test.Count(q => q.Label == label) / total, 0.18, 0.22);
        }
    }

    [Fact]
    public void QuestionCorpus_ReadsTrecThroughTheOneReader_AndFallsBack()
    {
        string dir = Directory.CreateTempSubdirectory("trec-tests-").FullName;
        try
        {
            string good = Path.Combine(dir, "good.label");
            File.WriteAllText(good, "NUM:dist How far is it from Denver to Aspen ?\nLOC:city What is the capital ?\n",
                System.Text.Encoding.Latin1);
            var questions = QuestionCorpus.FromTrec(Trec.Read(good));
            Assert.Equal(new LabeledQuestion("How far is it from Denver to Aspen ?", "NUM", "dist"), questions[0]);
            Assert.Equal("LOC", questions[1].Label);

            string bad = Path.Combine(dir, "bad.label");
            File.WriteAllText(bad, "NUM:dist ok ?\nFOO:bar what ?\n");
            var error = Assert.Throws<FormatException>(() => QuestionCorpus.LoadTrecOrSynthetic(bad, good, 1));
            Assert.Contains($"{bad}: line 2:", error.Message);

            Assert.Equal("trec", QuestionCorpus.LoadTrecOrSynthetic(good, good, 1).Source);
            Assert.Equal("synthetic", QuestionCorpus.LoadTrecOrSynthetic(Path.Combine(dir, "missing"), good, 1).Source);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
