using System.Text;
using Engine.Data;

namespace Engine.Tests.Data;

[Trait("Layer", "Data")]
public sealed class TrecTests
{
    private static IReadOnlyList<TrecQuestion> ReadText(byte[] bytes, string name = "trec.label") =>
        Trec.Read(new MemoryStream(bytes), name);

    [Fact]
    public void Read_ValidLines_SplitsCoarseFineAndText()
    {
        var bytes = Encoding.ASCII.GetBytes(
            "DESC:manner How did serfdom develop in and then leave Russia ?\n" +
            "NUM:dist How far is it from Denver to Aspen ?\r\n" +
            "ENTY:other What is a sister");
        // one Latin-1 byte, as on line 66 of train_5500.label
        bytes = [.. bytes, 0xF0, .. Encoding.ASCII.GetBytes("city ?\n")];
        var questions = ReadText(bytes);
        Assert.Equal(3, questions.Count);
        Assert.Equal(new TrecQuestion("DESC", "manner", "How did serfdom develop in and then leave Russia ?"), questions[0]);
        Assert.Equal(new TrecQuestion("NUM", "dist", "How far is it from Denver to Aspen ?"), questions[1]);
        Assert.Equal("What is a sister\u00F0city ?", questions[2].Text);
        Assert.DoesNotContain('\uFFFD', questions[2].Text);
    }

    [Theory]
    [InlineData("NoSpaceHere", "line 2", "no space")]
    [InlineData("DESCmanner How ?", "line 2", "no ':'")]
    [InlineData("WHAT:manner How ?", "line 2", "coarse class \"WHAT\"")]
    [InlineData("DESC: How ?", "line 2", "fine class")]
    [InlineData("DESC:manner  ", "line 2", "text is empty")]
    [InlineData("", "line 2", "no space")]
    public void Read_MalformedLine_ThrowsFormatExceptionWithLineNumber(string bad, string line, string problem)
    {
        var text = "HUM:ind Who wrote Hamlet ?\n" + bad + "\nLOC:city Where is Paris ?\n";
        var e = Assert.Throws<FormatException>(() => ReadText(Encoding.ASCII.GetBytes(text), "bad.label"));
        Assert.Contains($"bad.label: {line}:", e.Message);
        Assert.Contains(problem, e.Message);
    }
}
