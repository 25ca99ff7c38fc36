using Engine.Tests.Testing;
using Engine.Text;

namespace Engine.Tests.Text;

[Trait("Layer", "Text")]
public sealed class WordVectorsFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("w2v-format-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static WordVectors Sample()
    {
        var random = new Random(Seeds.Default);
        string[] words = ["the", "café", "1,000", "'s", "x-ray"];
        // Include values whose shortest round-trip text is long, tiny, negative and zero.
        float[] data = Enumerable.Range(0, words.Length * 7)
            .Select(i => i % 7 == 0 ? 0f : (float)((random.NextDouble() - 0.5) * Math.Pow(10, i % 5 - 3))).ToArray();
        data[3] = float.Epsilon;
        return new WordVectors(words, data, 7);
    }

    [Fact]
    public void Text_RoundTripsBitwise()
    {
        var vectors = Sample();
        string path = Path.Combine(_dir, "v.txt");
        vectors.SaveText(path);
        var loaded = WordVectors.LoadText(path);
        Assert.Equal(vectors.Words, loaded.Words);
        TensorAssert.BitwiseEqual(vectors.Vectors, loaded.Vectors, "text round trip");
        Assert.StartsWith("5 7\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void Binary_RoundTripsBitwise()
    {
        var vectors = Sample();
        string path = Path.Combine(_dir, "v.bin");
        vectors.SaveBinary(path);
        var loaded = WordVectors.LoadBinary(path);
        Assert.Equal(vectors.Words, loaded.Words);
        TensorAssert.BitwiseEqual(vectors.Vectors, loaded.Vectors, "binary round trip");
    }

    [Fact]
    public void Text_Word2VecCStyleTrailingSpaces_AreAccepted()
    {
        string path = Path.Combine(_dir, "c.txt");
        File.WriteAllText(path, "2 3\nking 0.100000 -0.200000 0.300000 \nqueen 1 2 3 \n");
        var loaded = WordVectors.LoadText(path);
        Assert.Equal(["king", "queen"], loaded.Words);
        Assert.Equal([0.1f, -0.2f, 0.3f], loaded.GetVector("king").ToArray());
    }

    public static TheoryData<string, string, int> Malformed => new()
    {
        { "", "empty", 1 },
        { "2\nx 1\n", "header", 1 },
        { "2 0\nx\ny\n", "header", 1 },
        { "100000 100\nx 1\n", "only", 1 },
        { "2 2\na 1 2\nb 1\n", "expected a word and 2 values", 3 },
        { "2 2\na 1 2\nb 1 2 3\n", "expected a word and 2 values", 3 },
        { "2 2\na 1 2\nb 1 zwei\n", "value 2", 3 },
        { "2 2\na 1,5 2\nb 1 2\n", "value 1", 2 },
        { "3 2\na 1 2\nb 1 2\n", "ends after 2 of 3", 4 },
        { "1 2\na 1 2\nb 1 2\n", "more lines", 3 },
        { "2 2\na 1 2\na 3 4\n", "twice", 3 },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Text_MalformedFile_NamesFileAndLine(string content, string expected, int line)
    {
        string path = Path.Combine(_dir, "bad.txt");
        File.WriteAllText(path, content);
        var error = Assert.Throws<InvalidDataException>(() => WordVectors.LoadText(path));
        Assert.Contains($"{path}:{line}:", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Binary_TruncatedOrInflatedFile_NamesByteOffset()
    {
        string path = Path.Combine(_dir, "v.bin");
        Sample().SaveBinary(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var truncated = Assert.Throws<InvalidDataException>(() => WordVectors.LoadBinary(path));
        Assert.Contains($"{path}: byte offset", truncated.Message);
        Assert.Contains("ends inside the vector", truncated.Message);

        File.WriteAllBytes(path, [.. "9999999 999\n"u8, .. bytes[4..]]);
        var inflated = Assert.Throws<InvalidDataException>(() => WordVectors.LoadBinary(path));
        Assert.Contains("byte offset 0", inflated.Message);
    }
}
