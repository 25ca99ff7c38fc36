using System.Globalization;
using System.Text;

namespace Demo.Commands;

/// <summary>
/// The `text` comparison's table, and its chapters' generated blocks (with --write-docs): on TREC, the table and the
/// nearest neighbours in docs/07-text-autoencoders.md and the table in docs/09-autoencoders-vs-transformers.md; on the
/// worked example, chapter 10's block; so no number in any of them is typed by hand.
/// </summary>
internal static class TextReport
{
    public const string TextChapter = "07-text-autoencoders.md";
    public const string TransformerChapter = "09-autoencoders-vs-transformers.md";
    public const string Block = "text-comparison";

    /// <summary>The comparison table with the corpus line above it and the notes below.</summary>
    public static string Table(Datasets.Corpus corpus, IReadOnlyList<TextRow> rows)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        int k = corpus.Classes.Count;
        string classes = corpus.IsSynthetic ? $"{k} classes, SYNTHETIC corpus" : $"{k} classes";
        string predicting = corpus.DataPath is not null && !corpus.IsTrec && corpus.Noun == "sentences"
            ? $"predicting its {k} classes ({string.Join(", ", corpus.Classes)})"
            : $"predicting the {k} coarse classes";
        string accuracy = corpus.Folds is int folds ? $"accuracy over {folds} folds, mean ± sd ({classes})" : $"test accuracy ({classes})";
        sb.AppendLine(c, $"Corpus: {corpus.Description}. Testing: {corpus.Evaluation}. Each sentence vector feeds the same multinomial logistic regression (Engine.Analysis, C = 1, L-BFGS; dense vectors standardised) {predicting}; unsupervised encoders saw only the training {corpus.Noun}{(corpus.Folds is null ? "" : " of each fold")}.");
        sb.AppendLine();
        sb.AppendLine(c, $"| sentence vector | dims | trained parameters | {accuracy} | reconstruction token acc. (held-out) | exact sentences (held-out) | training time | settings |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            if (row.NotRun is not null)
            {
                sb.AppendLine(c, $"| {row.Name} | – | – | – | – | – | – | {row.NotRun} |");
                continue;
            }
            string parameters = row.Parameters is long p ? p.ToString("N0", c) : "–";
            string value = row.Accuracy is not double a ? "–"
                : row.AccuracySpread is double sd ? $"{a * 100:F1} ± {sd * 100:F1}%"
                : $"{a * 100:F1}%";
            string recon = row.Reconstruction is { } r ? $"{r.Tokens * 100:F1}% | {r.Exact * 100:F1}%" : "– | –";
            sb.AppendLine(c, $"| {row.Name} | {row.Dimensions} | {parameters} | {value} | {recon} | {row.TrainSeconds:F1} s | {row.Settings} |");
        }
        sb.AppendLine();
        string perFold = corpus.Folds is null ? "" : " With --folds, reconstruction figures, parameter counts (each fold has its own vocabulary) and training times are means over the folds.";
        sb.AppendLine(c, $"Training time is wall-clock to the fixed number of epochs on the machine that ran it ({ResultsDoc.Machine()} when the table was written).{perFold}");
        if (rows.Any(r => r.Name.EndsWith("(peer)", StringComparison.Ordinal) && r.NotRun is null))
            sb.AppendLine(c, $"The peer row trains gensim with the same settings on the same tokens (written to --out by this command) and fits scikit-learn's LogisticRegression the same way (Engine.Bench/peers/trec_sentence_peer.py, run by `text --peer`).");
        return sb.ToString().TrimEnd();
    }

    /// <summary>
    /// With --write-docs: on TREC, the table and the nearest neighbours into chapter 7's block and the table into
    /// chapter 9's; on the worked example (Demo/data/examples), both into chapter 10's block 'own-text'; on other
    /// data nothing, and it says so.
    /// </summary>
    public static void Write(RunContext context, Datasets.Corpus corpus, string table, IReadOnlyList<string> neighbours)
    {
        if (corpus.IsSynthetic)
        {
            context.Out.Line($"docs/{TextChapter} and docs/{TransformerChapter} left as they are: they show TREC results, and this run used the synthetic corpus.");
            return;
        }
        string fold = corpus.Folds is null ? "" : ", by the models of fold 1";
        var withNeighbours = new StringBuilder(table).Append("\n\n")
            .Append(CultureInfo.InvariantCulture, $"Nearest training {corpus.Noun} to a few held-out {corpus.Noun}{fold} (cosine similarity of the vectors centred on the training mean):\n\n")
            .AppendJoin('\n', neighbours);
        ResultsDoc.PublishFor(context, corpus.IsTrec, corpus.DataPath, OwnBlock, TextChapter, Block, withNeighbours.ToString());
        if (corpus.IsTrec) ResultsDoc.Publish(context, TransformerChapter, Block, table);
    }

    /// <summary>Chapter 10's block for the worked example on Demo/data/examples/reviews.tsv.</summary>
    public const string OwnBlock = "own-text";
}
