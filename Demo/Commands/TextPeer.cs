using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Engine.Text;

namespace Demo.Commands;

/// <summary>
/// The gensim cross-check row of the `text` comparison: with --peer, runs Engine.Bench/peers/trec_sentence_peer.py
/// (gensim Word2Vec with our settings on the tokens this run wrote, then scikit-learn's logistic regression) and
/// reads its JSON; otherwise, or when python3 with gensim is missing, the row says how to run it by hand.
/// </summary>
internal static class TextPeer
{
    private const string Name = "gensim mean Word2Vec (peer)";
    private const string Script = "Engine.Bench/peers/trec_sentence_peer.py";
    // The peer environment script of the repository (allocator settings, OMP_WAIT_POLICY=PASSIVE), from its root.
    private const string PeerEnv = "Engine.Bench/peers/peer-env";

    public static TextRow Row(RunContext context, bool run, Word2VecOptions options)
    {
        // Absolute paths: the script runs from the repository root, the run's --out folder may be relative.
        string outDirectory = Path.GetFullPath(context.OutDirectory);
        string json = Path.Combine(outDirectory, "text-peer.json");
        string seeds = context.Quick ? "1" : "1,2,3";
        string[] arguments = [Script, outDirectory, "--epochs", Invariant(options.Epochs), "--dims",
            Invariant(options.Dimensions), "--seeds", seeds, "--threads", "1", "--json", json];
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        // As the table shows it: the run's --out folder as OUT, so no folder of this machine lands in the docs.
        string shown = string.Join(' ', arguments).Replace(outDirectory, "OUT", StringComparison.Ordinal);
        string command = $"{PeerEnv} {python} {shown}";
        if (!run)
            return NotRun($"not run (add --peer, or from the repository root: `{command}`, OUT = the run's --out folder)");
        string? root = RepositoryRoot();
        if (root is null)
            return NotRun($"not run: {Script} is part of the repository, and no repository (Engine.sln) is above the working folder or the Demo build");
        if (Execute(python, ["-c", "import gensim, sklearn, threadpoolctl"], root, null) != 0)
            return NotRun($"not run: {python} cannot import gensim, scikit-learn and threadpoolctl (command: `{command}`)");

        context.Out.Line($"peer: {command} (OUT = {outDirectory})");
        File.Delete(json);
        int exit = Execute(Path.Combine(root, PeerEnv), [python, .. arguments], root, context);
        if (exit != 0 || !File.Exists(json))
            return NotRun($"failed (exit code {exit}; command: `{command}`)");

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var r = document.RootElement;
        double Number(string key) => r.GetProperty(key).GetDouble();
        context.Results["peer_gensim_accuracy_mean"] = Number("accuracy_mean");
        context.Results["peer_gensim_words_per_second"] = Number("words_per_second_mean");
        context.Results["peer_tfidf_accuracy"] = Number("tfidf_accuracy");
        string settings = string.Create(CultureInfo.InvariantCulture,
            $"gensim {r.GetProperty("gensim_version").GetString()}, the settings and tokens of the mean-Word2Vec row, seeds {seeds} (accuracy {Number("accuracy_min") * 100:F1}–{Number("accuracy_max") * 100:F1}%), {Number("words_per_second_mean"):N0} words/s; scikit-learn LogisticRegression(C=1); its tf-idf bag of words: {Number("tfidf_accuracy") * 100:F1}%");
        return new TextRow(Name, null, Number("train_seconds_mean"), settings, null)
        {
            Dimensions = options.Dimensions,
            Accuracy = Number("accuracy_mean"),
        };
    }

    /// <summary>The peer's row when it was not measured, saying why.</summary>
    internal static TextRow NotRun(string why) => new(Name, null, 0, "", null) { NotRun = why };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    // The repository holding the script: above the current folder, else above the Demo build output.
    internal static string? RepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return dir.FullName;
        return null;
    }

    // Runs a process to its end in `directory`, echoing its output lines to the run's output when given one.
    internal static int Execute(string file, string[] arguments, string directory, RunContext? context)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null && context is not null) context.Out.Line("  peer: " + e.Data); };
            process.BeginErrorReadLine();
            while (process.StandardOutput.ReadLine() is { } line)
                context?.Out.Line("  peer: " + line);
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
