using System.Text;
using Engine.Tests.Testing;
using Engine.Text;
using FsCheck;
using FsCheck.Xunit;

namespace Engine.Tests.Text;

/// <summary>
/// WordVectors.LoadText and LoadBinary (word2vec.c's formats) on truncated, bit-flipped and hostile files: they
/// load, or throw InvalidDataException naming the file and the line (text) or byte offset (binary); a header
/// claiming huge counts or dimensions is checked against the file size before anything is allocated.
/// </summary>
[Trait("Layer", "Text")]
public sealed class WordVectorsHostileInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("w2v-hostile-").FullName;
    private readonly WordVectors _vectors = new(["the", "café", "x-ray"], [0.5f, -1.25f, 3f, 1e-7f, 0f, -0f, 42f, 2.5f, -7.75f], 3);
    private readonly byte[] _text;
    private readonly byte[] _binary;

    public WordVectorsHostileInputTests()
    {
        string text = Path.Combine(_dir, "valid.txt"), binary = Path.Combine(_dir, "valid.bin");
        _vectors.SaveText(text);
        _vectors.SaveBinary(binary);
        _text = File.ReadAllBytes(text);
        _binary = File.ReadAllBytes(binary);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (WordVectors? Result, Exception? Error) LoadText(byte[] bytes) =>
        HostileInput.RunFile(_dir, bytes, ".txt", WordVectors.LoadText);

    private (WordVectors? Result, Exception? Error) LoadBinary(byte[] bytes) =>
        HostileInput.RunFile(_dir, bytes, ".bin", WordVectors.LoadBinary);

    /// <summary>Whatever loads holds only finite values.</summary>
    private static void AssertFinite(WordVectors? loaded)
    {
        if (loaded is not null)
            Assert.All(loaded.Vectors.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    /// <summary>A truncation that loads keeps the header's shape and only finite values.</summary>
    private void AssertPlausible(WordVectors? loaded)
    {
        AssertFinite(loaded);
        if (loaded is not null)
            Assert.Equal((_vectors.Count, _vectors.Dimensions), (loaded.Count, loaded.Dimensions));
    }

    [Fact]
    public void LoadText_EveryTruncation_IsRejectedOrKeepsEveryWord()
    {
        var (loaded, rejected) = HostileInput.EveryTruncation(_text, bytes =>
        {
            var outcome = LoadText(bytes);
            AssertPlausible(outcome.Result);
            return outcome;
        });
        // Text has no length field: a cut inside the last number can leave a shorter valid number.
        Assert.Equal(_text.Length, loaded + rejected);
        Assert.True(rejected > _text.Length - 10, $"{loaded} truncations loaded");
    }

    [Fact]
    public void LoadBinary_EveryTruncation_IsRejected()
    {
        var (loaded, _) = HostileInput.EveryTruncation(_binary, bytes =>
        {
            var outcome = LoadBinary(bytes);
            AssertPlausible(outcome.Result);
            return outcome;
        });
        // Only dropping the optional final newline keeps a valid file.
        Assert.Equal(1, loaded);
    }

    [Property(MaxTest = 300)]
    public void LoadText_RandomByteFlips_LoadOrNameTheLine(NonNegativeInt position, byte mask, NonNegativeInt second)
    {
        AssertFinite(LoadText(HostileInput.Flip(_text, position.Get, mask, second.Get)).Result);
    }

    [Property(MaxTest = 300)]
    public void LoadBinary_RandomByteFlips_LoadOrNameTheOffset(NonNegativeInt position, byte mask, NonNegativeInt second)
    {
        AssertFinite(LoadBinary(HostileInput.Flip(_binary, position.Get, mask, second.Get)).Result);
    }

    [Property(MaxTest = 150)]
    public void BothFormats_RandomBytes_LoadOrAreRejected(byte[] garbage)
    {
        LoadText(garbage);
        LoadBinary(garbage);
    }

    [Theory]
    [InlineData("2147483647 2147483647\n", "too many")]
    [InlineData("1000000 300\nthe 1 2 3\n", "only")]
    [InlineData("-1 3\n", "expected header")]
    [InlineData("1 0\nthe\n", "dimensions ≥ 1")]
    [InlineData("1 3\nthe 1 2 NaN\n", "not a finite number")]
    [InlineData("1 3\nthe 1 2 1e39\n", "not a finite number")]
    [InlineData("1 3\nthe 1 2 Infinity\n", "not a finite number")]
    [InlineData("1 3\nthe 1 2\n", "found 3 fields")]
    [InlineData("2 3\nthe 1 2 3\nthe 4 5 6\n", "twice")]
    [InlineData("1 3\nt\the 1 2 3\n", "white space")]
    [InlineData("1 3\nthe 1 2 3\nextra 4 5 6\n", "more lines")]
    public void LoadText_HostileContent_NamesTheProblem(string text, string mention)
    {
        var error = LoadText(Encoding.UTF8.GetBytes(text)).Error;
        Assert.NotNull(error);
        Assert.Contains(mention, error.Message);
    }

    [Theory]
    [InlineData("2147483647 2147483647\n", "too many")]
    [InlineData("1000000 300\n", "only")]
    [InlineData("1 3\nthe 000000000000\nthe 000000000000\n", "unexpected bytes")]
    public void LoadBinary_HostileHeader_IsRejectedBeforeAllocating(string text, string mention)
    {
        // The allocation budget (8 MiB + 64 B per file byte) fails the test if a header count sized an array.
        var error = LoadBinary(Encoding.ASCII.GetBytes(text)).Error;
        Assert.Contains(mention, error!.Message);
    }

    [Fact]
    public void LoadBinary_NonFiniteValueOrDuplicateWord_NamesTheOffset()
    {
        byte[] nan = (byte[])_binary.Clone();
        int firstValue = Array.IndexOf(nan, (byte)' ', Array.IndexOf(nan, (byte)'\n')) + 1;
        BitConverter.GetBytes(float.NaN).CopyTo(nan, firstValue + 4);
        Assert.Contains($"byte offset {firstValue + 4}", LoadBinary(nan).Error!.Message);

        var twice = new WordVectors(["a", "b"], [1f, 2f], 1);
        string path = Path.Combine(_dir, "twice.bin");
        twice.SaveBinary(path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[Array.LastIndexOf(bytes, (byte)'b')] = (byte)'a';
        Assert.Contains("twice", LoadBinary(bytes).Error!.Message);
    }

    [Fact]
    public void LoadText_InvalidUtf8_NamesTheExactLineAndByteOffset()
    {
        byte[] head = "2 1\nok 1\nb"u8.ToArray();
        var error = LoadText([.. head, 0xFF, .. " 2\n"u8]).Error;
        Assert.Contains(":3: ", error!.Message);
        Assert.Contains($"byte offset {head.Length}", error.Message);
    }
}
