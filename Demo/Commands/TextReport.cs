using System.Globalization;
using System.Text;

namespace Demo.Commands;

/// <summary>
/// Writes the `text` comparison into the chapters' generated blocks (with --write-docs): the table and the nearest
/// neighbours in docs/07-text-autoencoders.md, the table in docs/09-autoencoders-vs-transformers.md, so no number
/// in either is typed by hand.
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
        string classes = corpus.IsSynthetic ? "6 classes, SYNTHETIC corpus" : "6 classes";
        sb.AppendLine(c, $"Corpus: {corpus.Description}. Each sentence vector feeds the same multinomial logistic regression (Engine.Analysis, C = 1, L-BFGS; dense vectors standardised) predicting the 6 coarse classes; unsupervised encoders saw only the training questions.");
        sb.AppendLine();
        sb.AppendLine(c, $"| sentence vector | dims | trained parameters | test accuracy ({classes}) | reconstruction token acc. (held-out) | exact sentences (held-out) | training time | settings |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            if (row.NotRun is not null)
            {
                sb.AppendLine(c, $"| {row.Name} | – | – | – | – | – | – | {row.NotRun} |");
                continue;
            }
            string parameters = row.Parameters is long p ? p.ToString("N0", c) : "–";
            string accuracy = row.Accuracy is double a ? $"{a * 100:F1}%" : "–";
            string recon = row.Reconstruction is { } r ? $"{r.Tokens * 100:F1}% | {r.Exact * 100:F1}%" : "– | –";
            sb.AppendLine(c, $"| {row.Name} | {row.Dimensions} | {parameters} | {accuracy} | {recon} | {row.TrainSeconds:F1} s | {row.Settings} |");
        }
        sb.AppendLine();
        sb.AppendLine(c, $"Training time is wall-clock to the fixed number of epochs on the machine that ran it ({ResultsDoc.Machine()} when the table was written). The peer row trains gensim with the same settings on the same tokens (written to --out by this command) and fits scikit-learn's LogisticRegression the same way (Engine.Bench/peers/trec_sentence_peer.py, run by `text --peer`).");
        return sb.ToString().TrimEnd();
    }

    /// <summary>Writes the table and the nearest neighbours into chapter 7's block and the table into chapter 9's.</summary>
    public static void Write(RunContext context, Datasets.Corpus corpus, string table, IReadOnlyList<string> neighbours)
    {
        if (corpus.IsSynthetic)
        {
            context.Out.Line($"docs/{TextChapter} and docs/{TransformerChapter} left as they are: they show TREC results, and this run used the synthetic corpus.");
            return;
        }
        var withNeighbours = new StringBuilder(table).Append("\n\n")
            .Append("Nearest training questions to a few held-out questions (cosine similarity of the vectors centred on the training mean):\n\n")
            .AppendJoin('\n', neighbours);
        ResultsDoc.Publish(context, TextChapter, Block, withNeighbours.ToString());
        ResultsDoc.Publish(context, TransformerChapter, Block, table);
    }
}
