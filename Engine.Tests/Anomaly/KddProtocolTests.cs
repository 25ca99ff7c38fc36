using Demo.Commands;
using Engine.Data;
using Engine.Data.Tables;
using Engine.Tests.Data;

namespace Engine.Tests.Anomaly;

/// <summary>
/// The "standard" KDD'99 protocol's split (normals 60/20/20, attacks halved per category) and its recipe search,
/// which chooses on validation rows only: the test half is never asked for.
/// </summary>
[Trait("Layer", "Anomaly")]
public sealed class KddProtocolTests
{
    // 1,000 normals, then attacks of every category in uneven counts (an odd count and a category of one record).
    private static KddCategory[] Categories()
    {
        var categories = new List<KddCategory>();
        var random = new Random(Testing.Seeds.Default);
        var pool = new[] { (KddCategory.Normal, 1000), (KddCategory.Dos, 501), (KddCategory.Probe, 40), (KddCategory.R2L, 11), (KddCategory.U2R, 1) }
            .SelectMany(p => Enumerable.Repeat(p.Item1, p.Item2)).ToArray();
        random.Shuffle(pool);
        categories.AddRange(pool);
        return [.. categories];
    }

    [Fact]
    public void Split_IsDisjoint_CoversEveryRecord_AndKeepsNormalsAndAttacksApart()
    {
        var categories = Categories();
        var split = KddSplit.Create(categories, 7);

        int[][] parts = [split.Train, split.ValidationNormals, split.ValidationAttacks, split.TestNormals, split.TestAttacks];
        var all = parts.SelectMany(p => p).ToList();
        Assert.Equal(categories.Length, all.Count);
        Assert.Equal(Enumerable.Range(0, categories.Length), all.Order());
        Assert.Empty(split.Validation.Intersect(split.Test));
        Assert.Empty(split.Train.Intersect(split.Validation.Concat(split.Test)));
        Assert.All(split.Train.Concat(split.ValidationNormals).Concat(split.TestNormals), i => Assert.Equal(KddCategory.Normal, categories[i]));
        Assert.All(split.ValidationAttacks.Concat(split.TestAttacks), i => Assert.NotEqual(KddCategory.Normal, categories[i]));
        Assert.Equal((600, 200, 200), (split.Train.Length, split.ValidationNormals.Length, split.TestNormals.Length));
    }

    [Fact]
    public void Split_HalvesEveryAttackCategory()
    {
        var categories = Categories();
        var split = KddSplit.Create(categories, 7);

        foreach (var category in new[] { KddCategory.Dos, KddCategory.Probe, KddCategory.R2L })
        {
            int validation = split.ValidationAttacks.Count(i => categories[i] == category);
            int test = split.TestAttacks.Count(i => categories[i] == category);
            Assert.True(Math.Abs(validation - test) <= 1, $"{category}: {validation} validation vs {test} test");
        }
        Assert.Equal((250, 251), (split.ValidationAttacks.Count(i => categories[i] == KddCategory.Dos), split.TestAttacks.Count(i => categories[i] == KddCategory.Dos)));
        Assert.Equal((20, 20), (split.ValidationAttacks.Count(i => categories[i] == KddCategory.Probe), split.TestAttacks.Count(i => categories[i] == KddCategory.Probe)));
        // a category of one record cannot be halved: it goes to the test half
        Assert.Equal(1, split.TestAttacks.Count(i => categories[i] == KddCategory.U2R));
    }

    [Fact]
    public void Split_IsDeterministicPerSeed_AndMovesWithTheSeed()
    {
        var categories = Categories();
        var a = KddSplit.Create(categories, 11);
        var b = KddSplit.Create(categories, 11);
        var c = KddSplit.Create(categories, 12);

        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Validation, b.Validation);
        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Train, c.Train);
        Assert.NotEqual(a.ValidationAttacks, c.ValidationAttacks);
    }

    [Fact]
    public void Split_WithTooFewNormals_SaysHowMany()
    {
        var error = Assert.Throws<ArgumentException>(() => KddSplit.Create([KddCategory.Normal, KddCategory.Dos, KddCategory.Normal], 1));
        Assert.Contains("at least 5 normal records, got 2", error.Message, StringComparison.Ordinal);
    }

    // Normal web traffic and a few attacks of every category, each with its own signature.
    private static Kdd99Data TinyData()
    {
        var random = new Random(Testing.Seeds.Default);
        var lines = new List<string>();
        for (int i = 0; i < 300; i++)
        {
            lines.Add(KddFixture.Line(("src_bytes", random.Next(100, 400).ToString()), ("dst_bytes", random.Next(1000, 9000).ToString()),
                ("count", random.Next(1, 20).ToString())));
        }
        var attacks = new (string Label, (string, string)[] Fields)[]
        {
            ("smurf.", [("protocol_type", "icmp"), ("service", "ecr_i"), ("src_bytes", "1032"), ("dst_bytes", "0"), ("count", "511")]),
            ("satan.", [("flag", "REJ"), ("service", "other"), ("rerror_rate", "1.00"), ("diff_srv_rate", "0.90")]),
            ("guess_passwd.", [("service", "telnet"), ("num_failed_logins", "1"), ("logged_in", "0")]),
            ("buffer_overflow.", [("service", "telnet"), ("root_shell", "1"), ("hot", "3"), ("duration", "120")]),
        };
        foreach (var (label, fields) in attacks)
            for (int i = 0; i < 10; i++) lines.Add(KddFixture.Line([.. fields, ("label", label)]));
        var shuffled = lines.OrderBy(_ => random.Next()).ToList();
        return Kdd99.Read(new MemoryStream(KddFixture.Text(shuffled)), "tiny.csv");
    }

    [Fact]
    public void Search_AsksOnlyForTrainingAndValidationRows_AndItsChoiceDoesNotDependOnTheTestHalf()
    {
        var data = TinyData();
        var split = KddSplit.Create(data.Category, 3);
        var table = data.ToTable();
        var pre = TablePreprocessor.Fit(table, split.Train, Kdd99.PreprocessorOptions());
        float[] x = pre.Transform(table);
        int f = pre.FeatureCount;
        // the probe: the test rows' features are NaN, and every row asked for is recorded
        float[] poisoned = (float[])x.Clone();
        foreach (int row in split.Test) poisoned.AsSpan(row * f, f).Fill(float.NaN);
        var asked = new List<int>();
        Engine.Data.FloatDataset Gather(float[] source, FeatureScaling scaling, int[] rows)
        {
            Assert.Equal(FeatureScaling.MinMax, scaling);
            asked.AddRange(rows);
            return KddAnomaly.Gather(source, f, rows);
        }
        KddRecipe[] candidates = [new([16], 2, 3, 32, 1e-2f), new([16], 4, 3, 32, 1e-2f)];
        int[] seeds = [1, 2];

        var probed = KddSearch.Evaluate((scaling, rows) => Gather(poisoned, scaling, rows), split, data.Category, candidates, seeds, cancellation: TestContext.Current.CancellationToken);
        var clean = KddSearch.Evaluate((_, rows) => KddAnomaly.Gather(x, f, rows), split, data.Category, candidates, seeds, cancellation: TestContext.Current.CancellationToken);

        Assert.NotEmpty(asked);
        Assert.Empty(asked.Intersect(split.Test));
        Assert.Equal(2, probed.Count);
        Assert.All(probed.SelectMany(r => r.Seeds), s => Assert.True(double.IsFinite(s.Auroc), $"validation AUROC {s.Auroc}"));
        Assert.Equal(clean.Select(r => r.MeanAuroc), probed.Select(r => r.MeanAuroc));
        Assert.Equal(KddSearch.Choose(clean), KddSearch.Choose(probed));
    }

    private static KddSearch.CandidateResult Result(int latent, double auroc, double recall) =>
        new(new KddRecipe([64, 32], latent, 20, 256, 1e-3f), [new KddSearch.SeedScore(1, auroc, [recall, recall, recall, recall], null!)], 1);

    [Fact]
    public void Choose_TakesTheBestValidationAuroc_AndBreaksTiesByRecallThenOrder()
    {
        // a clear AUROC winner wins whatever its recall
        Assert.Equal(1, KddSearch.Choose([Result(4, 0.9980, 0.9), Result(8, 0.9990, 0.5)]));
        // within the tie band: the higher mean recall per category
        Assert.Equal(0, KddSearch.Choose([Result(4, 0.99895, 0.9), Result(8, 0.9990, 0.5)]));
        // a full tie: the earlier row
        Assert.Equal(0, KddSearch.Choose([Result(4, 0.9990, 0.7), Result(8, 0.9990, 0.7)]));
        Assert.Throws<ArgumentException>(() => KddSearch.Choose([]));
    }

    [Fact]
    public void Candidates_AreAtLeastFiveSeedsByDefault_AndTheChosenRecipeIsOneOfThem()
    {
        Assert.True(KddSearch.DefaultRuns >= 5);
        Assert.True(Demo.Commands.AnomalyCommand.DefaultStandardRuns >= 5);
        Assert.Contains(KddSearch.Chosen, KddSearch.Candidates);
        Assert.Null(KddSearch.CandidatesProblem("1, 2"));
        Assert.StartsWith("--candidates: '0' is not a recipe", KddSearch.CandidatesProblem("1,0"), StringComparison.Ordinal);
    }
}
