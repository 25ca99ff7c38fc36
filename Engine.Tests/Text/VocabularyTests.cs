using Engine.Text;

namespace Engine.Tests.Text;

[Trait("Layer", "Text")]
public sealed class VocabularyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vocab-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Vocabulary Sample() =>
        Vocabulary.FromTexts(["b b b a a c c d", "e a c b", "z y"], minCount: 1);

    [Fact]
    public void SpecialTokens_HaveFixedIds()
    {
        var vocabulary = Sample();
        Assert.Equal(["<pad>", "<unk>", "<bos>", "<eos>"], vocabulary.Tokens.Take(4));
        Assert.Equal(0, vocabulary.IdOf("<pad>"));
        Assert.Equal(1, vocabulary.IdOf("<unk>"));
        Assert.Equal(2, vocabulary.IdOf("<bos>"));
        Assert.Equal(3, vocabulary.IdOf("<eos>"));
        Assert.Equal("a", vocabulary.Decode([2, vocabulary.IdOf("a"), 3, 0, 0], skipSpecial: true));
    }

    [Fact]
    public void Build_OrdersByCountThenOrdinal()
    {
        // Counts: b 4, a 3, c 3, d 1, e 1, y 1, z 1.
        var vocabulary = Sample();
        Assert.Equal(["b", "a", "c", "d", "e", "y", "z"], vocabulary.Tokens.Skip(4));
        Assert.Equal([4L, 3, 3, 1, 1, 1, 1], vocabulary.Counts.Skip(4));
    }

    [Fact]
    public void Build_MinCount_DropsRareWords()
    {
        var vocabulary = Vocabulary.FromTexts(["b b b a a c c d", "e a c b", "z y"], minCount: 3);
        Assert.Equal(["b", "a", "c"], vocabulary.Tokens.Skip(4));
        Assert.Equal(Vocabulary.UnkId, vocabulary.IdOf("d"));
    }

    [Fact]
    public void Build_MaxSize_KeepsMostFrequentAndBreaksTiesByOrdinal()
    {
        var vocabulary = Vocabulary.FromTexts(["b b b a a c c d", "e a c b", "z y"], maxSize: 4 + 4);
        Assert.Equal(8, vocabulary.Count);
        // d, e, y, z all have count 1: the ordinal-first one (d) takes the last place.
        Assert.Equal(["b", "a", "c", "d"], vocabulary.Tokens.Skip(4));
    }

    [Fact]
    public void Build_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.FromTexts(["a"], maxSize: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.FromTexts(["a"], minCount: 0));
        var special = Assert.Throws<ArgumentException>(() => Vocabulary.Build([["a", "<eos>"]]));
        Assert.Contains("<eos>", special.Message);
        Assert.Throws<ArgumentException>(() => Vocabulary.Build([["a b"]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sample().Decode([99]));
    }

    [Fact]
    public void SaveLoad_RoundTrips_AndLeavesNoTemporaryFile()
    {
        var vocabulary = Vocabulary.FromTexts(["what 's the capital of france ?", "über café naïve 1,000 ?"]);
        string path = Path.Combine(_dir, "vocab.txt");
        vocabulary.Save(path);
        vocabulary.Save(path); // overwriting works too
        var loaded = Vocabulary.Load(path);
        Assert.Equal(vocabulary.Tokens, loaded.Tokens);
        Assert.Equal(vocabulary.Counts, loaded.Counts);
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    public static TheoryData<string, string, int> Corruptions => new()
    {
        { "", "empty", 1 },
        { "nonsense 1 5\n", "expected header", 1 },
        { "engine-vocabulary 2 4\n", "unsupported version", 1 },
        { "engine-vocabulary 1 -4\n", "bad entry count", 1 },
        { "engine-vocabulary 1 5\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\n", "ends after 4 of 5", 6 },
        { "engine-vocabulary 1 4\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\nx\t1\n", "more entries", 6 },
        { "engine-vocabulary 1 5\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\nx 1\n", "token<TAB>count", 6 },
        { "engine-vocabulary 1 5\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\nx\tmany\n", "bad count", 6 },
        { "engine-vocabulary 1 5\n<unk>\t0\n<pad>\t0\n<bos>\t0\n<eos>\t0\nx\t1\n", "special tokens", 2 },
        { "engine-vocabulary 1 6\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\nx\t1\nx\t1\n", "duplicate", 7 },
        { "engine-vocabulary 1 6\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\nx\t1\n<pad>\t1\n", "special", 7 },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Load_CorruptedFile_NamesFileAndLine(string content, string expected, int line)
    {
        string path = Path.Combine(_dir, "bad.txt");
        File.WriteAllText(path, content);
        var error = Assert.Throws<InvalidDataException>(() => Vocabulary.Load(path));
        Assert.Contains($"{path}:{line}:", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Load_InvalidUtf8_IsReportedAsDataError()
    {
        string path = Path.Combine(_dir, "bad.bin");
        File.WriteAllBytes(path, [.. "engine-vocabulary 1 5\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\n"u8, 0xFF, 0xFE,
            (byte)'\t', (byte)'1', (byte)'\n']);
        var error = Assert.Throws<InvalidDataException>(() => Vocabulary.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("UTF-8", error.Message);
    }
}
