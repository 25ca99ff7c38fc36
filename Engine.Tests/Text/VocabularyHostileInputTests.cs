using System.Text;
using Engine.Tests.Testing;
using Engine.Text;
using FsCheck;
using FsCheck.Xunit;

namespace Engine.Tests.Text;

/// <summary>
/// Vocabulary.Load on truncated, bit-flipped and hostile files: it loads, or throws InvalidDataException naming
/// the file and the line (and the byte offset of invalid UTF-8); the header's entry count sizes nothing.
/// </summary>
[Trait("Layer", "Text")]
public sealed class VocabularyHostileInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vocab-hostile-").FullName;
    private readonly byte[] _valid;
    private readonly Vocabulary _vocabulary = Vocabulary.FromTexts(["what 's the capital of france ?", "über café naïve 1,000 ?"]);

    public VocabularyHostileInputTests()
    {
        string path = Path.Combine(_dir, "valid.vocab");
        _vocabulary.Save(path);
        _valid = File.ReadAllBytes(path);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (Vocabulary? Result, Exception? Error) Load(byte[] bytes) =>
        HostileInput.RunFile(_dir, bytes, ".vocab", Vocabulary.Load);

    [Fact]
    public void Load_EveryTruncation_IsRejectedOrKeepsEveryToken()
    {
        var (loaded, rejected) = HostileInput.EveryTruncation(_valid, bytes =>
        {
            var outcome = Load(bytes);
            // The header fixes the entry count, so only a cut inside the last count (or of the final newline) loads.
            if (outcome.Result is { } vocabulary)
            {
                Assert.Equal(_vocabulary.Tokens, vocabulary.Tokens);
                Assert.Equal(_vocabulary.Counts.SkipLast(1), vocabulary.Counts.SkipLast(1));
            }
            return outcome;
        });
        Assert.Equal(_valid.Length, loaded + rejected);
        Assert.InRange(loaded, 1, 2);
    }

    [Property(MaxTest = 300)]
    public void Load_RandomByteFlips_LoadOrNameTheLine(NonNegativeInt position, byte mask, NonNegativeInt second)
    {
        var (vocabulary, _) = Load(HostileInput.Flip(_valid, position.Get, mask, second.Get));
        if (vocabulary is not null)
            Assert.Equal(_vocabulary.Count, vocabulary.Count);
    }

    [Property(MaxTest = 200)]
    public void Load_RandomBytes_AreRejected(byte[] garbage)
    {
        Assert.NotNull(Load(garbage).Error);
    }

    [Theory]
    [InlineData("engine-vocabulary 1 2147483647\n<pad>\t0\n", "ends after 1 of 2147483647", 3)]
    [InlineData("engine-vocabulary 1 99999999999999999999\n", "bad entry count", 1)]
    [InlineData("engine-vocabulary 1 -5\n", "bad entry count", 1)]
    [InlineData("engine-vocabulary 1 4\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t-1\n", "bad count", 5)]
    [InlineData("engine-vocabulary 1 4\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t99999999999999999999\n", "bad count", 5)]
    [InlineData("engine-vocabulary 1 5\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\na\rb\t1\n", "white space", 6)]
    [InlineData("\uFEFFengine-vocabulary 1 4\n", "expected header", 1)]
    public void Load_HostileHeaderOrEntry_NamesTheLine(string text, string mention, int line)
    {
        var error = Load(Encoding.UTF8.GetBytes(text)).Error;
        Assert.NotNull(error);
        Assert.Contains(mention, error.Message);
        Assert.Matches($@":{line}: ", error.Message);
    }

    [Fact]
    public void Load_InvalidUtf8_NamesTheExactLineAndByteOffset()
    {
        byte[] head = "engine-vocabulary 1 6\n<pad>\t0\n<unk>\t0\n<bos>\t0\n<eos>\t0\nok\t1\nb"u8.ToArray();
        byte[] bytes = [.. head, 0xC3, 0x28, .. "\t1\n"u8];
        var error = Load(bytes).Error;
        Assert.Contains(":7: ", error!.Message);
        Assert.Contains($"byte offset {head.Length}", error.Message);
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void Load_OverlongLine_IsRejectedWithoutUnboundedBuffering()
    {
        byte[] bytes = [.. "engine-vocabulary 1 5\n"u8, .. Enumerable.Repeat((byte)'x', (1 << 24) + 10)];
        var error = Load(bytes).Error;
        Assert.Contains("longer than", error!.Message);
    }
}
