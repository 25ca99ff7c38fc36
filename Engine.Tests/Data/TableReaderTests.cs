using System.Globalization;
using System.Text;
using Engine.Data;
using Engine.Data.Tables;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Data;

[Trait("Layer", "Data")]
public sealed class TableReaderTests
{
    private const string Sensors = "device,temperature,load,status\nfan,21.5,0.25,ok\npump,80,0.75,fault\nfan,22,0.5,ok\n";

    private static Table Read(string text, TableReadOptions? options = null, string name = "data.csv") =>
        TableReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), name, options);

    private static Exception Refused(string text, TableReadOptions? options = null) =>
        Assert.ThrowsAny<Exception>(() => Read(text, options));

    [Fact]
    public void Csv_WithHeader_DetectsTheHeaderKindsAndLabel()
    {
        var table = Read(Sensors, new TableReadOptions { LabelColumn = "status" });
        Assert.Equal(3, table.Count);
        Assert.Equal(["device", "temperature", "load"], table.Columns.Select(c => c.Name));
        Assert.Equal([ColumnKind.Categorical, ColumnKind.Numeric, ColumnKind.Numeric], table.Columns.Select(c => c.Kind));
        Assert.Equal([21.5f, 80f, 22f], table.Column("temperature")!.Values!);
        Assert.Equal(["fan", "pump"], table.Column("device")!.Categories);
        Assert.Equal([0, 1, 0], table.Column("device")!.Codes!);
        Assert.Equal(["ok", "fault"], table.Labels!.Names);
        Assert.Equal([true, false, true], table.Labels.IsNormal("ok"));
        Assert.Equal(4, table.Labels.Number);
        Assert.Equal("data.csv", table.Source);
    }

    [Fact]
    public void LabelColumn_ByNumberOrCaseInsensitiveName_GivesTheSameTable()
    {
        var byNumber = Read(Sensors, new TableReadOptions { LabelColumn = "4" });
        var byName = Read(Sensors, new TableReadOptions { LabelColumn = "STATUS" });
        Assert.Equal(byNumber.Labels!.Codes, byName.Labels!.Codes);
        Assert.Equal(byNumber.Columns.Select(c => c.Name), byName.Columns.Select(c => c.Name));
    }

    [Fact]
    public void NoHeader_NamesColumnsByNumber()
    {
        var table = Read("1,2,a\n3,4,b\n", new TableReadOptions { LabelColumn = "3" });
        Assert.Equal(2, table.Count);
        Assert.Equal(["column 1", "column 2"], table.Columns.Select(c => c.Name));
        Assert.Equal("column 3", table.Labels!.Name);
    }

    [Fact]
    public void Header_CanBeForcedEitherWay()
    {
        // all-numeric first line: not detected as a header, but the user says it is one
        var forced = Read("1,2\n3,4\n5,6\n", new TableReadOptions { Header = true });
        Assert.Equal(2, forced.Count);
        Assert.Equal(["1", "2"], forced.Columns.Select(c => c.Name));
        // a text first line read as data makes the column categorical
        var data = Read("a,b\nc,d\n", new TableReadOptions { Header = false });
        Assert.Equal(2, data.Count);
        Assert.Equal(["a", "c"], data.Columns[0].Categories);
    }

    [Fact]
    public void AllTextColumns_HeaderDetectedWhenTheFirstValuesDoNotRecur()
    {
        Assert.Equal(["colour", "shape"], Read("colour,shape\nred,circle\nblue,square\nred,square\n").Columns.Select(c => c.Name));
        // "red" comes back in its column: the first line is data
        Assert.Equal(3, Read("red,circle\nblue,square\nred,square\n").Count);
    }

    [Theory]
    [InlineData('\t')]
    [InlineData(';')]
    [InlineData('|')]
    [InlineData(',')]
    public void Separator_IsDetected(char separator)
    {
        var table = Read(Sensors.Replace(',', separator), new TableReadOptions { LabelColumn = "status" });
        Assert.Equal([21.5f, 80f, 22f], table.Column("temperature")!.Values!);
    }

    [Fact]
    public void Separator_CanBeGiven()
    {
        // commas inside the fields would fool detection; the given separator wins
        var table = Read("a;b\n1,5;x\n2,5;y\n", new TableReadOptions { Delimiter = ';' });
        Assert.Equal(["1,5", "2,5"], table.Column("a")!.Categories);
    }

    [Fact]
    public void Utf8WithByteOrderMark_FirstNameHasNoMark()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("température,état\n1,été\n2,hiver\n")).ToArray();
        var table = TableReader.Read(new MemoryStream(bytes), "bom.csv", new TableReadOptions { LabelColumn = "état" });
        Assert.Equal("température", table.Columns[0].Name);
        Assert.Equal(["été", "hiver"], table.Labels!.Names);
    }

    [Fact]
    public void QuotedFields_HoldSeparatorsQuotesAndLineBreaks()
    {
        var table = Read("name,note\n\"Smith, J.\",\"said \"\"hi\"\"\"\n\"Doe\",\"two\nlines\"\nx, spaced \n");
        Assert.Equal(["Smith, J.", "Doe", "x"], table.Column("name")!.Categories);
        Assert.Equal(["said \"hi\"", "two\nlines", "spaced"], table.Column("note")!.Categories);
    }

    [Fact]
    public void Crlf_AndBlankLines_AreAccepted()
    {
        var table = Read("a,b\r\n1,2\r\n\r\n3,4\r\n\r\n");
        Assert.Equal([1f, 3f], table.Column("a")!.Values!);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("NA")]
    [InlineData("nan")]
    [InlineData("NULL")]
    public void MissingValue_IsRefusedNamingLineAndColumn(string marker)
    {
        var e = Assert.Throws<InvalidDataException>(() => Read($"a,b,c\n1,2,x\n3,{marker},y\n"));
        Assert.Contains("data.csv: line 3, column 'b' (2): missing value", e.Message);
    }

    [Fact]
    public void MissingValue_InADroppedColumn_IsAccepted()
    {
        var table = Read("a,b,c\n1,,x\n3,4,y\n", new TableReadOptions { DropColumns = ["b"] });
        Assert.Equal(["a", "c"], table.Columns.Select(c => c.Name));
    }

    [Fact]
    public void MissingLabel_IsRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => Read("a,label\n1,x\n2,\n", new TableReadOptions { LabelColumn = "label" }));
        Assert.Contains("line 3: the label", e.Message);
    }

    [Fact]
    public void FieldCount_DifferentOnALine_IsRefusedNamingBothLines()
    {
        var e = Assert.Throws<InvalidDataException>(() => Read("a,b\n1,2\n3,4,5\n"));
        Assert.Contains("line 3: 3 fields, but line 1 has 2", e.Message);
    }

    [Fact]
    public void QuoteLeftOpen_IsRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => Read("a,b\n1,\"open\n2,3\n"));
        Assert.Contains("line 2: a quoted field opens on this line and never closes", e.Message);
    }

    [Fact]
    public void InvalidUtf8_IsRefusedWithLineAndOffset()
    {
        var bytes = Encoding.ASCII.GetBytes("a,b\n1,x\n2,").Concat(new byte[] { 0xF0, 0x28, (byte)'\n' }).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => TableReader.Read(new MemoryStream(bytes), "bad.csv"));
        Assert.Contains("bad.csv:3: byte offset 10: invalid UTF-8", e.Message);
    }

    [Fact]
    public void AlmostNumericColumn_IsRefusedUnlessNamedCategorical()
    {
        var rows = string.Concat(Enumerable.Range(0, 30).Select(i => i == 17 ? "12a,x\n" : $"{i},x\n"));
        var e = Assert.Throws<InvalidDataException>(() => Read("amount,tag\n" + rows));
        Assert.Contains("line 19, column 'amount' (1): '12a' is not a number, but 29 of the column's 30 values are", e.Message);
        var table = Read("amount,tag\n" + rows, new TableReadOptions { CategoricalColumns = ["amount"] });
        Assert.Equal(ColumnKind.Categorical, table.Column("amount")!.Kind);
    }

    [Fact]
    public void NumbersNamedCategorical_BecomeCategories()
    {
        var table = Read("zip,v\n10115,1\n80331,2\n10115,3\n", new TableReadOptions { CategoricalColumns = ["1"] });
        Assert.Equal(["10115", "80331"], table.Column("zip")!.Categories);
    }

    [Fact]
    public void TooManyCategories_IsRefused()
    {
        var rows = string.Concat(Enumerable.Range(0, 20).Select(i => $"id{i},{i}\n"));
        var e = Assert.Throws<InvalidDataException>(() => Read("id,v\n" + rows, new TableReadOptions { MaxCategories = 10 }));
        Assert.Contains("column 'id' (1) has more than 10 distinct values", e.Message);
    }

    [Theory]
    [InlineData("9", "the label column 9: data.csv has 4 columns")]
    [InlineData("colour", "no such column in data.csv")]
    public void UnknownLabelColumn_IsRefusedListingWhatThereIs(string reference, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Read(Sensors, new TableReadOptions { LabelColumn = reference }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ColumnName_WithoutHeader_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Read("1,2\n3,4\n", new TableReadOptions { LabelColumn = "label" }));
        Assert.Contains("has no header line, so columns are named by number (1 to 2)", e.Message);
    }

    [Fact]
    public void RolesThatCollide_AreRefused()
    {
        Assert.Contains("both the label column and dropped", Assert.Throws<ArgumentException>(() =>
            Read(Sensors, new TableReadOptions { LabelColumn = "4", DropColumns = ["status"] })).Message);
        Assert.Contains("no feature column is left", Assert.Throws<ArgumentException>(() =>
            Read("a,b\nx,1\n", new TableReadOptions { LabelColumn = "1", DropColumns = ["2"] })).Message);
    }

    [Fact]
    public void DuplicateHeaderNames_AreRefused()
    {
        var e = Assert.Throws<InvalidDataException>(() => Read("a,b,a\nx,1,2\n"));
        Assert.Contains("names columns 1 and 3 'a'", e.Message);
    }

    [Fact]
    public void EmptyFileOrHeaderOnly_IsRefused()
    {
        Assert.Contains("holds no data", Refused("\n\n").Message);
        Assert.Contains("no data rows", Refused("a,b\n", new TableReadOptions { Header = true }).Message);
    }

    [Fact]
    public void Gzip_ReadsAsThePlainFile_AndATruncatedOneIsRefused()
    {
        var plain = Encoding.UTF8.GetBytes(Sensors);
        var gzip = KddFixture.Gzip(plain);
        var a = TableReader.Read(new MemoryStream(gzip), "data.csv.gz", new TableReadOptions { LabelColumn = "status" });
        Assert.Equal([21.5f, 80f, 22f], a.Column("temperature")!.Values!);
        Assert.ThrowsAny<InvalidDataException>(() => TableReader.Read(new MemoryStream(gzip[..^6]), "cut.gz"));
    }

    [Fact]
    public void OneClassFile_ReadsWithOneLabel()
    {
        var table = Read("x,label\n1,normal\n2,normal\n", new TableReadOptions { LabelColumn = "label" });
        Assert.Equal(["normal"], table.Labels!.Names);
        Assert.All(table.Labels.IsNormal("normal"), Assert.True);
        Assert.Contains("its labels are 'normal'", Assert.Throws<ArgumentException>(() => table.Labels.IsNormal("attack")).Message);
    }

    [Fact]
    public void NslKddLayout_WorksWithLabelAndDroppedDifficulty()
    {
        // NSL-KDD: the 41 KDD features, the attack name without a period, then a difficulty level; no header
        string Line(string label, string difficulty) => KddFixture.Example[..KddFixture.Example.LastIndexOf(',')] + $",{label},{difficulty}";
        var text = string.Join('\n', Line("normal", "21"), Line("neptune", "15"), Line("normal", "20")) + "\n";
        var table = Read(text, new TableReadOptions { LabelColumn = "42", DropColumns = ["43"] }, "KDDTrain+.txt");
        Assert.Equal(41, table.Columns.Count);
        Assert.Equal([2, 3, 4], table.Columns.Where(c => c.Kind == ColumnKind.Categorical).Select(c => c.Number));
        Assert.Equal([true, false, true], table.Labels!.IsNormal("normal"));
    }

    [Fact]
    public void Schema_ForcesKindsAndNames_AndAFeaturesOnlyFileIsUnlabelled()
    {
        var fit = Read(Sensors, new TableReadOptions { LabelColumn = "status" });
        var p = TablePreprocessor.Fit(fit, [0, 2]);
        // a later file with labels: same roles, kinds from the model
        var scored = Read("device,temperature,load,status\nvalve,20,0.1,ok\n", new TableReadOptions { LabelColumn = "status", Schema = p.Schema });
        Assert.Equal(["valve"], scored.Column("device")!.Categories);
        Assert.Equal(p.FeatureCount, p.Transform(scored).Length);
        // a file with exactly the model's columns: unlabelled, whatever the label option says
        var features = Read("device,temperature,load\nfan,20,0.1\n", new TableReadOptions { LabelColumn = "status", Schema = p.Schema });
        Assert.Null(features.Labels);
        // the label and dropped columns of the training file are absent: an unlabelled file
        var unlabelled = Read("id,device,temperature,load\n7,fan,20,0.1\n", new TableReadOptions { LabelColumn = "status", DropColumns = ["id", "9"], Schema = p.Schema });
        Assert.Null(unlabelled.Labels);
        Assert.Equal(["device", "temperature", "load"], unlabelled.Columns.Select(c => c.Name));
        // no header: the model's names are used
        var headerless = Read("fan,20,0.1\npump,30,0.2\n", new TableReadOptions { Schema = p.Schema });
        Assert.Equal(["device", "temperature", "load"], headerless.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Schema_TextInANumericColumnOrColumnsInAnotherOrder_AreRefused()
    {
        var p = TablePreprocessor.Fit(Read(Sensors, new TableReadOptions { LabelColumn = "status" }), [0, 1, 2]);
        var e = Assert.Throws<InvalidDataException>(() =>
            Read("device,temperature,load\nfan,hot,0.1\n", new TableReadOptions { Schema = p.Schema }));
        Assert.Contains("line 2, column 'temperature' (2): 'hot' is not a finite number", e.Message);
        e = Assert.Throws<InvalidDataException>(() =>
            Read("temperature,device,load\n20,fan,0.1\n", new TableReadOptions { Schema = p.Schema }));
        Assert.Contains("column 1 is 'temperature', but the model's feature 1 is 'device'", e.Message);
        e = Assert.Throws<InvalidDataException>(() =>
            Read("device,temperature,load,status,extra\nfan,20,0.1,ok,1\n", new TableReadOptions { LabelColumn = "status", Schema = p.Schema }));
        Assert.Contains("4 feature columns", e.Message);
    }

    [Property(MaxTest = 80)]
    public Property WrittenTable_ReadsBackTheSameValues() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            int rows = random.Next(2, 25), width = random.Next(1, 6);
            char separator = ",\t;|"[random.Next(4)];
            var kinds = Enumerable.Range(0, width).Select(_ => random.Next(2) == 0).ToArray();   // true: numeric
            var numbers = new float[width][];
            var texts = new string[width][];
            string[] pool = ["a", "b c", "x,y", "say \"no\"", "ünï", "two\nlines", " pad", "7up"];
            for (int c = 0; c < width; c++)
            {
                numbers[c] = Enumerable.Range(0, rows).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-4, 8)))).ToArray();
                texts[c] = Enumerable.Range(0, rows).Select(_ => pool[random.Next(pool.Length)]).ToArray();
            }
            var sb = new StringBuilder();
            if (random.Next(2) == 0) sb.Append('\uFEFF');
            sb.AppendJoin(separator, Enumerable.Range(0, width).Select(c => $"col{c}")).Append('\n');
            for (int r = 0; r < rows; r++)
            {
                sb.AppendJoin(separator, Enumerable.Range(0, width).Select(c => kinds[c]
                    ? numbers[c][r].ToString("R", CultureInfo.InvariantCulture)
                    : Quote(texts[c][r])));
                sb.Append(random.Next(2) == 0 ? "\n" : "\r\n");
            }
            var categorical = Enumerable.Range(0, width).Where(c => !kinds[c]).Select(c => $"col{c}").ToArray();
            var table = Read(sb.ToString(), new TableReadOptions { Header = true, Delimiter = separator, CategoricalColumns = categorical });
            Assert.Equal(rows, table.Count);
            for (int c = 0; c < width; c++)
            {
                var column = table.Columns[c];
                if (kinds[c]) Assert.Equal(numbers[c], column.Values!);
                else Assert.Equal(texts[c], column.Codes!.Select(code => column.Categories[code]));
            }
        });

    // Always quoted, so separators, quotes, line breaks and spaces survive.
    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
