using Demo;

namespace Engine.Tests.DemoApp;

/// <summary>The docs' generated blocks: replaced in place, refused when the markers are wrong, written atomically.</summary>
[Trait("Layer", "DemoApp")]
public sealed class ResultsDocTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new("resultsdoc-");

    public void Dispose() => _scratch.Dispose();

    private const string Chapter = """
        # A chapter

        Prose before.

        <!-- generated:table -->
        old table
        <!-- /generated:table -->

        Prose between.

        <!-- generated:other -->

        other block
        <!-- /generated:other -->
        Prose after.

        """;

    [Fact]
    public void ReplaceBlock_ChangesOnlyTheLinesBetweenTheMarkers()
    {
        string result = ResultsDoc.ReplaceBlock(Chapter, "table", "| a |\n|---|\n| 1 |", "chapter.md");

        string expected = Chapter.Replace("<!-- generated:table -->\nold table\n",
            "<!-- generated:table -->\n\n| a |\n|---|\n| 1 |\n\n", StringComparison.Ordinal);
        Assert.Equal(expected, result);
    }

    [Fact]
    public void ReplaceBlock_IsIdempotentAndLeavesOtherBlocksAlone()
    {
        string once = ResultsDoc.ReplaceBlock(Chapter, "other", "new other\n\n", "chapter.md");
        string twice = ResultsDoc.ReplaceBlock(once, "other", "new other", "chapter.md");

        Assert.Equal(once, twice);
        Assert.Contains("old table", twice, StringComparison.Ordinal);
        Assert.Contains("<!-- generated:other -->\n\nnew other\n\n<!-- /generated:other -->\nProse after.", twice, StringComparison.Ordinal);
        Assert.DoesNotContain("other block", twice, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplaceBlock_AcceptsWindowsLineEndings()
    {
        string result = ResultsDoc.ReplaceBlock(Chapter.Replace("\n", "\r\n", StringComparison.Ordinal), "table", "new", "chapter.md");

        Assert.DoesNotContain("\r", result, StringComparison.Ordinal);
        Assert.Contains("<!-- generated:table -->\n\nnew\n\n<!-- /generated:table -->", result, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("absent")]
    [InlineData("tab")]
    public void ReplaceBlock_RefusesAMissingBlock(string name)
    {
        var error = Assert.Throws<InvalidDataException>(() => ResultsDoc.ReplaceBlock(Chapter, name, "x", "chapter.md"));

        Assert.Contains("chapter.md", error.Message, StringComparison.Ordinal);
        Assert.Contains($"<!-- generated:{name} -->", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplaceBlock_RefusesAStartWithoutAnEnd()
    {
        string document = Chapter.Replace("<!-- /generated:table -->\n", "", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => ResultsDoc.ReplaceBlock(document, "table", "x", "chapter.md"));
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplaceBlock_RefusesADuplicatedMarkerNamingBothLines()
    {
        string document = Chapter + "<!-- generated:table -->\n";

        var error = Assert.Throws<InvalidDataException>(() => ResultsDoc.ReplaceBlock(document, "table", "x", "chapter.md"));
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("lines 5 and 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplaceBlock_RefusesNestedBlocks()
    {
        string document = "<!-- generated:outer -->\n<!-- generated:inner -->\nx\n<!-- /generated:inner -->\n<!-- /generated:outer -->\n";

        var outer = Assert.Throws<InvalidDataException>(() => ResultsDoc.ReplaceBlock(document, "outer", "y", "nested.md"));
        Assert.Contains("nested", outer.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", outer.Message, StringComparison.Ordinal);
        // The inner block alone is well-formed: replacing it keeps the outer markers.
        string inner = ResultsDoc.ReplaceBlock(document, "inner", "y", "nested.md");
        Assert.StartsWith("<!-- generated:outer -->\n<!-- generated:inner -->\n\ny\n\n<!-- /generated:inner -->", inner, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplaceBlock_RefusesAnEndBeforeTheStart()
    {
        const string document = "<!-- /generated:b -->\ntext\n<!-- generated:b -->\n";

        var error = Assert.Throws<InvalidDataException>(() => ResultsDoc.ReplaceBlock(document, "b", "x", "order.md"));
        Assert.Contains("before it opens", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("with space")]
    [InlineData("a -->")]
    [InlineData("")]
    public void ReplaceBlock_RefusesBadNames(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => ResultsDoc.ReplaceBlock(Chapter, name, "x", "chapter.md"));

    [Fact]
    public void ReplaceBlock_RefusesContentThatWouldAddMarkers() =>
        Assert.Throws<ArgumentException>(() => ResultsDoc.ReplaceBlock(Chapter, "table", "<!-- /generated:table -->", "chapter.md"));

    [Fact]
    public void WriteBlock_ReplacesTheBlockInTheFile()
    {
        string path = Path.Combine(_scratch.Path, "chapter.md");
        File.WriteAllText(path, Chapter);

        ResultsDoc.WriteBlock(path, "table", "new table");

        Assert.Equal(ResultsDoc.ReplaceBlock(Chapter, "table", "new table", path), File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_scratch.Path));
    }

    [Fact]
    public void WriteBlock_LeavesTheFileUntouchedWhenTheMarkersAreWrong()
    {
        string path = Path.Combine(_scratch.Path, "chapter.md");
        string document = Chapter + "<!-- /generated:table -->\n";
        File.WriteAllText(path, document);

        Assert.Throws<InvalidDataException>(() => ResultsDoc.WriteBlock(path, "table", "new table"));

        Assert.Equal(document, File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_scratch.Path));
    }

    [Fact]
    public void WriteBlock_LeavesTheFileUntouchedWhenTheWriteFailsHalfWay()
    {
        string path = Path.Combine(_scratch.Path, "chapter.md");
        File.WriteAllText(path, Chapter);
        // A lone surrogate cannot be encoded as UTF-8: the writer fails after the temporary file was started.
        string content = new string('x', 100_000) + "\uD800";

        Assert.ThrowsAny<ArgumentException>(() => ResultsDoc.WriteBlock(path, "table", content));

        Assert.Equal(Chapter, File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_scratch.Path));
    }

    [Fact]
    public void WriteBlock_RefusesAMissingFile() =>
        Assert.Throws<FileNotFoundException>(() => ResultsDoc.WriteBlock(Path.Combine(_scratch.Path, "none.md"), "table", "x"));

    [Fact]
    public void CopyFigure_CopiesIntoTheFiguresFolderAndReturnsTheRelativeLink()
    {
        string source = Path.Combine(_scratch.Path, "grid.png");
        byte[] bytes = [137, 80, 78, 71, 1, 2, 3];
        File.WriteAllBytes(source, bytes);
        string docs = Path.Combine(_scratch.Path, "docs");

        string link = ResultsDoc.CopyFigure(docs, source, "ae-grid.png");

        Assert.Equal("figures/ae-grid.png", link);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(docs, "figures", "ae-grid.png")));
    }

    [Theory]
    [InlineData("grid.txt")]
    [InlineData("../grid.png")]
    [InlineData("sub/grid.png")]
    public void CopyFigure_RefusesOtherFilesAndFolders(string target)
    {
        string source = Path.Combine(_scratch.Path, "grid.png");
        File.WriteAllBytes(source, [1]);

        Assert.Throws<ArgumentException>(() => ResultsDoc.CopyFigure(Path.Combine(_scratch.Path, "docs"), source, target));
    }

    [Fact]
    public void LocateDocs_FindsTheRepositoryAboveTheTestDirectory()
    {
        string? docs = ResultsDoc.LocateDocs(AppContext.BaseDirectory);

        Assert.NotNull(docs);
        Assert.True(File.Exists(Path.Combine(docs, "..", "Engine.sln")));
        Assert.Null(ResultsDoc.LocateDocs(_scratch.Path));
    }
}

/// <summary>The repository's chapters hold every block a command writes, each well-formed.</summary>
[Trait("Layer", "DemoApp")]
public sealed class DocsBlocksTests
{
    // (chapter, block) for every ResultsDoc.Publish call of the demo and for Engine.Bench/peers/ae_recipes.py.
    public static TheoryData<string, string> Blocks => new()
    {
        { "01-what-is-an-autoencoder.md", "ae" },
        { "02-latent-space.md", "latent" },
        { "03-variants.md", "sparse" },
        { "03-variants.md", "denoise" },
        { "03-variants.md", "contractive" },
        { "03-variants.md", "conv" },
        { "03-variants.md", "vae" },
        { "03-variants.md", "beta-vae" },
        { "03-variants.md", "vae-pytorch-example" },
        { "03-variants.md", "ours-vs-pytorch" },
        { "04-classification-from-the-latent-space.md", "classify" },
        { "05-anomaly-detection-kdd99.md", "kdd-recipe-search" },
        { "05-anomaly-detection-kdd99.md", "kdd-standard" },
        { "05-anomaly-detection-kdd99.md", "kdd-dagmm" },
        { "05-anomaly-detection-kdd99.md", "fashion-one-class" },
        { "05-anomaly-detection-kdd99.md", "fashion-one-class-embedded" },
        { "06-autoencoders-vs-pca.md", "pca" },
        { "07-text-autoencoders.md", "text-comparison" },
        { "08-autoencoders-vs-word2vec.md", "word2vec" },
        { "09-autoencoders-vs-transformers.md", "text-comparison" },
        { "10-bring-your-own-data.md", "own-text" },
    };

    private static string Docs => ResultsDoc.LocateDocs(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("no Engine.sln above the test directory");

    [Theory]
    [MemberData(nameof(Blocks))]
    public void EveryBlockACommandWritesExistsOnce(string chapter, string block)
    {
        string document = File.ReadAllText(Path.Combine(Docs, chapter));

        string replaced = ResultsDoc.ReplaceBlock(document, block, "probe", chapter);

        Assert.Contains($"{ResultsDoc.StartMarker(block)}\n\nprobe\n\n{ResultsDoc.EndMarker(block)}", replaced, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryMarkerInTheDocsOpensAndClosesAWellFormedBlock()
    {
        foreach (string path in Directory.GetFiles(Docs, "*.md"))
        {
            string document = File.ReadAllText(path);
            var names = document.Split('\n').Select(l => l.Trim())
                .Where(l => l.StartsWith("<!-- generated:", StringComparison.Ordinal) && l.EndsWith(" -->", StringComparison.Ordinal))
                .Select(l => l["<!-- generated:".Length..^" -->".Length]);
            foreach (string name in names) ResultsDoc.ReplaceBlock(document, name, "probe", path);
            int opens = document.Split('\n').Count(l => l.Trim().StartsWith("<!-- generated:", StringComparison.Ordinal));
            int closes = document.Split('\n').Count(l => l.Trim().StartsWith("<!-- /generated:", StringComparison.Ordinal));
            Assert.True(opens == closes, $"{path}: {opens} opening and {closes} closing markers");
        }
    }

    [Fact]
    public void EveryFigureAChapterShowsIsCommitted()
    {
        foreach (string path in Directory.GetFiles(Docs, "*.md"))
        {
            foreach (var match in System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(path), @"\]\((figures/[^)]+)\)").Cast<System.Text.RegularExpressions.Match>())
                Assert.True(File.Exists(Path.Combine(Docs, match.Groups[1].Value)), $"{path} shows {match.Groups[1].Value}, which is missing");
        }
    }
}
