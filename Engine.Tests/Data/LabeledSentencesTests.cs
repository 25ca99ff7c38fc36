using System.Text;
using Engine.Data;

namespace Engine.Tests.Data;

[Trait("Layer", "Data")]
public sealed class LabeledSentencesTests
{
    private static LabeledSentences Read(string text, string? textColumn = null, string? labelColumn = null, bool bom = false)
    {
        var bytes = (bom ? Encoding.UTF8.GetPreamble() : []).Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        return LabeledSentences.Read(new MemoryStream(bytes), "reviews.tsv", textColumn, labelColumn);
    }

    [Fact]
    public void TabSeparated_AnyLabelSet_NumberedInOrdinalOrder()
    {
        var s = Read("Ein großartiger Film!\tpositiv\nZu lang.\tnegativ\n\nGanz okay\tneutral\n", bom: true);
        Assert.Equal(["Ein großartiger Film!", "Zu lang.", "Ganz okay"], s.Texts);
        Assert.Equal(["negativ", "neutral", "positiv"], s.LabelNames);
        Assert.Equal([2, 0, 1], s.Labels);
        Assert.Equal("reviews.tsv", s.Source);
    }

    [Fact]
    public void TabInsideTheText_SplitsAtTheLastTab()
    {
        var s = Read("a\tb\tlabel\n");
        Assert.Equal("a\tb", s.Texts[0]);
        Assert.Equal("label", s.LabelNames[0]);
    }

    [Theory]
    [InlineData("no tab here\n", "line 1: no tab")]
    [InlineData("ok\tx\n\tlabel\n", "line 2: the sentence before the tab is empty")]
    [InlineData("ok\tx\ntext\t \n", "line 2: the label after the tab is empty")]
    [InlineData("\n\n", "no sentences")]
    public void BadLines_AreRefusedWithTheLine(string text, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Read(text));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("reviews.tsv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8_IsRefusedWithLineAndOffset()
    {
        var bytes = Encoding.ASCII.GetBytes("good\ta\nbad ").Concat(new byte[] { 0xF0, (byte)'\t', (byte)'b', (byte)'\n' }).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => LabeledSentences.Read(new MemoryStream(bytes), "latin1.tsv"));
        Assert.Contains("latin1.tsv:2: byte offset 11: invalid UTF-8", e.Message);
    }

    [Fact]
    public void Csv_WithNamedColumns_KeepsQuotedCommasAndIgnoresOtherColumns()
    {
        var s = Read("id,review,stars,sentiment\n1,\"Great, really great\",5,pos\n2,Bad,1,neg\n", "review", "Sentiment");
        Assert.Equal(["Great, really great", "Bad"], s.Texts);
        Assert.Equal(["neg", "pos"], s.LabelNames);
        var byNumber = Read("id,review,stars,sentiment\n1,\"Great, really great\",5,pos\n2,Bad,1,neg\n", "2", "4");
        Assert.Equal(s.Labels, byNumber.Labels);
    }

    [Fact]
    public void Csv_UnknownColumnOrOnlyOneColumnNamed_IsRefused()
    {
        Assert.Contains("no such column", Assert.Throws<ArgumentException>(() => Read("a,b\nx,y\n", "text", "b")).Message);
        Assert.Throws<ArgumentException>(() => Read("a,b\nx,y\n", "a", null));
        Assert.Contains("line 3: the label ('b') is empty", Assert.Throws<InvalidDataException>(() => Read("a,b\nx,y\nz,\n", "a", "b")).Message);
    }

    [Fact]
    public void WithLabels_NumbersByTheTrainingClasses_AndRefusesNewOnes()
    {
        var train = Read("a\tz\nb\ty\n");
        var test = Read("c\ty\n").WithLabels(train.LabelNames);
        Assert.Equal([0], test.Labels);
        Assert.Equal(train.LabelNames, test.LabelNames);
        var e = Assert.Throws<InvalidDataException>(() => Read("c\tw\n").WithLabels(train.LabelNames));
        Assert.Contains("the label 'w' is not one of the 2 classes", e.Message);
    }

    [Fact]
    public void OneClassFile_Reads()
    {
        var s = Read("a\tonly\nb\tonly\n");
        Assert.Equal(["only"], s.LabelNames);
        Assert.Equal([0, 0], s.Labels);
    }
}
