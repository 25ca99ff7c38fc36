using Engine.Text;

namespace Demo.Datasets;

/// <summary>Where a run's sentences came from and how they are split for testing, in words that are true for them.</summary>
/// <param name="Split">The training and test sentences (with --folds, the first fold's).</param>
/// <param name="Description">A sentence for reports and tables: which corpus, how many sentences, from where.</param>
/// <param name="IsSynthetic">The synthetic TREC-like corpus stood in for TREC; every heading says so.</param>
internal sealed record Corpus(QuestionSplit Split, string Description, bool IsSynthetic)
{
    /// <summary>The class names in class-number order: TREC's six coarse classes, or the user's labels.</summary>
    public IReadOnlyList<string> Classes { get; init; } = QuestionClasses.Coarse;

    /// <summary>
    /// The published TREC files (SHA-256 checked): the book's data, the only data that gets the TREC wording, the
    /// chapters' blocks and the peer's reference row.
    /// </summary>
    public bool IsTrec { get; init; }

    /// <summary>The data as the user named it (--data), or null for the cache and the synthetic corpus.</summary>
    public string? DataPath { get; init; }

    /// <summary>Every train/test split the rows are measured on: one, or K with --folds.</summary>
    public IReadOnlyList<QuestionSplit> Splits { get; init; } = [Split];

    /// <summary>K of a cross-validation (--folds), or null for one split.</summary>
    public int? Folds { get; init; }

    /// <summary>How the sentences were split for testing, for the output and the table.</summary>
    public string Evaluation { get; init; } = "trained on the training file, scored on the test file";

    /// <summary>"questions" for TREC and its synthetic stand-in, "sentences" for the user's data.</summary>
    public string Noun { get; init; } = "questions";

    /// <summary>The class of each training or test sentence, as a number of <see cref="Classes"/>.</summary>
    public int[] Labels(IReadOnlyList<LabeledQuestion> sentences)
    {
        var index = Classes.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => t.i, StringComparer.Ordinal);
        return sentences.Select(q => index[q.Label]).ToArray();
    }
}

/// <summary>
/// TREC question classification (Li and Roth 2002): train_5500.label and TREC_10.label. The files carry no licence,
/// so they are not shipped: the demo downloads them on first use from their public address into the user's cache
/// (<see cref="UserCache"/>), verifies their SHA-256, and reads them from there afterwards. --data FOLDER with the
/// two files is the alternative (offline, or a mirror); <see cref="AddressVariable"/> names another address.
/// </summary>
internal static class TrecData
{
    public const string TrainFile = "train_5500.label";
    public const string TestFile = "TREC_10.label";

    /// <summary>Where the Cognitive Computation Group publishes the files.</summary>
    public const string DefaultAddress = "https://cogcomp.seas.upenn.edu/Data/QA/QC/";

    /// <summary>An environment variable naming another folder address to download the two files from (a mirror).</summary>
    public const string AddressVariable = "AUTOENCODERS_DEMO_TREC_URL";

    /// <summary>How long the two downloads may take in all.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The published files: 5,452 and 500 questions.</summary>
    public static IReadOnlyList<RemoteFile> Files(string address) =>
    [
        new(TrainFile, new Uri(new Uri(address.EndsWith('/') ? address : address + "/"), TrainFile), 335_830,
            "b480600c6e1f3529dfa323df0f3a244e6349824de5f6ab0d93261ca854a54992"),
        new(TestFile, new Uri(new Uri(address.EndsWith('/') ? address : address + "/"), TestFile), 23_354,
            "033f22c028c2bbba9ca682f68ffe204dc1aa6e1cf35dd6207f2d4ca67f0d0e8e"),
    ];

    /// <summary>The address to download from: <see cref="AddressVariable"/> if set, else <see cref="DefaultAddress"/>.</summary>
    public static string Address => Environment.GetEnvironmentVariable(AddressVariable) is { Length: > 0 } a ? a : DefaultAddress;

    /// <summary>The cache folder of the two files.</summary>
    public static string CacheFolder => Path.Combine(UserCache.Directory, "trec");

    /// <summary>Whether the cache holds both files, verified.</summary>
    public static bool IsCached => Files(Address).All(f => VerifiedDownload.Matches(Path.Combine(CacheFolder, f.Name), f));

    /// <summary>Whether <see cref="Load"/> will use the synthetic corpus (known before anything is read, for the headings).</summary>
    public static bool UsesSynthetic(RunContext context, bool download) =>
        context.DataPath is null && (context.Quick || (!download && !IsCached));

    /// <summary>
    /// The questions of a run: --data (a folder with the two files) if given; the synthetic corpus with --quick or
    /// when <paramref name="download"/> is false and the cache is empty (the tour, which never downloads); else the
    /// cache, downloading into it first if needed.
    /// </summary>
    /// <exception cref="IOException">The download failed (offline, server error, wrong bytes); the message says how to get the files.</exception>
    public static Corpus Load(RunContext context, bool download)
    {
        if (context.DataPath is string folder)
        {
            string train = Path.Combine(folder, TrainFile), test = Path.Combine(folder, TestFile);
            if (!File.Exists(train) || !File.Exists(test))
                throw new ArgumentException($"--data {folder}: expected {TrainFile} and {TestFile} in that folder.");
            var files = Files(DefaultAddress);
            bool published = VerifiedDownload.Matches(train, files[0]) && VerifiedDownload.Matches(test, files[1]);
            return Read(train, test, published
                ? $"from --data {folder}"
                : $"TREC-format files from --data {folder} (not the published TREC files: their SHA-256 differs)", published, folder);
        }
        string why;
        if (context.Quick) why = "--quick uses the bundled synthetic corpus";
        else if (IsCached) return Read(Path.Combine(CacheFolder, TrainFile), Path.Combine(CacheFolder, TestFile), "from the download cache", true);
        else if (!download) why = $"TREC is not in the download cache yet ({CacheFolder}); `text` or `word2vec` downloads it (360 kB) on first use";
        else
        {
            Fetch(context);
            return Read(Path.Combine(CacheFolder, TrainFile), Path.Combine(CacheFolder, TestFile), "downloaded now", true);
        }
        var split = SyntheticCorpus.GenerateSplit(SyntheticCorpus.DefaultCount, SyntheticCorpus.DefaultTestFraction, context.Seed);
        string description = $"SYNTHETIC TREC-like questions (Engine.Text.SyntheticCorpus, seed {context.Seed}), "
            + $"{split.Train.Count:N0} training / {split.Test.Count:N0} test, NOT TREC: {why}";
        return new Corpus(split, description, IsSynthetic: true);
    }

    private static Corpus Read(string train, string test, string where, bool published, string? folder = null)
    {
        var split = new QuestionSplit(QuestionCorpus.FromTrec(Engine.Data.Trec.Read(train)), QuestionCorpus.FromTrec(Engine.Data.Trec.Read(test)), "trec");
        string what = published ? "TREC question classification (Li and Roth 2002)" : "Questions";
        return new Corpus(split, $"{what}, {split.Train.Count:N0} training questions ({TrainFile}) and {split.Test.Count:N0} test questions ({TestFile}) {where}",
            IsSynthetic: false) { IsTrec = published, DataPath = folder };
    }

    private static void Fetch(RunContext context)
    {
        string address = Address;
        context.Out.Line($"TREC question classification is not in the download cache; downloading it from {address} (360 kB) into {CacheFolder}");
        using var client = new HttpClient();
        try
        {
            foreach (var file in Files(address))
            {
                string target = Path.Combine(CacheFolder, file.Name);
                if (!VerifiedDownload.Matches(target, file)) VerifiedDownload.Fetch(client, file, target, Timeout, context.Cancellation);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"TREC could not be downloaded: {e.Message}. Without a network: get {TrainFile} and {TestFile} "
                + $"(published at {DefaultAddress}) and pass --data FOLDER, or copy them into {CacheFolder}; "
                + "--quick runs on the bundled synthetic corpus instead.", e);
        }
        context.Out.Line($"saved {TrainFile} and {TestFile} in {CacheFolder} (SHA-256 verified)");
    }
}
