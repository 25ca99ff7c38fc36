using System.Text;
using Engine.Data;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Xunit;

namespace Engine.Tests.Data;

/// <summary>
/// The TREC label-file reader (Trec.Read on a stream and on a file) on truncated, bit-flipped and hostile files:
/// it loads, or throws FormatException naming the file and the line.
/// </summary>
[Trait("Layer", "Data")]
public sealed class TrecHostileInputTests : IDisposable
{
    private const string Source = "hostile.label";

    private static readonly string[] Lines =
    [
        "DESC:manner How did serfdom develop in and then leave Russia ?",
        "NUM:dist How far is it from Denver to Aspen ?",
        "LOC:city What city had a world fair in 1900 ?",
    ];

    private static readonly byte[] Valid = Encoding.Latin1.GetBytes(string.Join('\n', Lines) + "\n");

    private readonly string _dir = Directory.CreateTempSubdirectory("trec-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (IReadOnlyList<TrecQuestion>? Result, Exception? Error) Read(byte[] bytes) =>
        HostileInput.Run(() => Trec.Read(new MemoryStream(bytes, writable: false), Source), Source,
            HostileInput.Budget(bytes.Length));

    private (IReadOnlyList<TrecQuestion>? Result, Exception? Error) Load(byte[] bytes) =>
        HostileInput.RunFile(_dir, bytes, ".label", Trec.Read);

    /// <summary>Stream and file agree on what loads, and a loaded truncation keeps every complete line unchanged.</summary>
    private (IReadOnlyList<TrecQuestion>? Result, Exception? Error) ReadBoth(byte[] bytes, int completeLines)
    {
        var data = Read(bytes);
        var questions = Load(bytes);
        Assert.Equal(data.Result is null, questions.Result is null);
        if (data.Result is { } read && questions.Result is { } loaded)
        {
            Assert.Equal(read, loaded);
            for (int i = 0; i < completeLines; i++)
                Assert.StartsWith($"{read[i].Coarse}:{read[i].Fine} {read[i].Text}", Lines[i]);
        }
        return data;
    }

    [Fact]
    public void Read_EveryTruncation_LoadsTheCompleteLinesOrNamesTheLine()
    {
        var (loaded, rejected) = HostileInput.EveryTruncation(Valid, bytes =>
            ReadBoth(bytes, bytes.AsSpan().Count((byte)'\n')));
        Assert.Equal(Valid.Length, loaded + rejected);
        Assert.True(rejected > 0 && loaded > 0, $"{loaded} loaded, {rejected} rejected");
    }

    [Property(MaxTest = 300)]
    public void Read_RandomByteFlips_LoadOrNameTheLine(NonNegativeInt position, byte mask, NonNegativeInt second)
    {
        ReadBoth(HostileInput.Flip(Valid, position.Get, mask, second.Get), 0);
    }

    [Property(MaxTest = 200)]
    public void Read_RandomBytes_LoadOrNameTheLine(byte[] garbage)
    {
        ReadBoth(garbage, 0);
    }

    [Theory]
    [InlineData("DESC:manner How ?\nFOO:bar Why ?\n", 2)]
    [InlineData("DESC:manner How ?\nDESC: Why ?\n", 2)]
    [InlineData("DESC:manner How ?\nDESC:manner    \n", 2)]
    [InlineData("DESC:manner How ?\rDESC:x\n", 2)]
    [InlineData("\0\0\0\0", 1)]
    [InlineData("DESC:manner How ?\nDESC:manner\tHow did it end ?\n", 2)]
    [InlineData("DESC:manner\u00A0How did it end ?\n", 1)]
    [InlineData("DESC:manner How ?\nDESC:ma-nner How ?\n", 2)]
    [InlineData("\uFFFF\uFFFE", 1)]
    public void Read_HostileLines_NameTheLine(string text, int line)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Contains($"line {line}", Read(bytes).Error!.Message);
        Assert.Contains($"line {line}", Load(bytes).Error!.Message);
    }

    [Fact]
    public void Read_VeryLongLine_LoadsWithinTheBudget()
    {
        // No header and no count: a long line costs memory in proportion to the file, nothing more.
        byte[] bytes = Encoding.ASCII.GetBytes("HUM:ind Who " + new string('x', 1 << 20) + " ?\n");
        Assert.Single(Read(bytes).Result!);
    }
}
