using System.Globalization;
using System.Text.Json;

namespace Demo.Commands;

/// <summary>
/// The PyTorch cross-check of the "standard" protocol: with --peer, writes the split and the recipe of every seed to
/// OUT/kdd-split-seedS.json and runs Engine.Bench/peers/kdd_anomaly_peer.py on them (the same rows, preprocessing,
/// architecture, optimiser, epochs and seeds, trained by PyTorch); otherwise, or when python3 with torch is missing,
/// the sentence says how to run it by hand.
/// </summary>
internal static class KddPeer
{
    private const string Script = "Engine.Bench/peers/kdd_anomaly_peer.py";
    private const string PeerEnv = "Engine.Bench/peers/peer-env";

    /// <summary>One sentence for the report: the peer's test AUROC (mean ± sd over the seeds), or why it did not run.</summary>
    public static string Sentence(RunContext context, string dataPath, KddSplit split, KddRecipe recipe, IReadOnlyList<int> seeds, bool run)
    {
        string outDirectory = Path.GetFullPath(context.OutDirectory);
        string json = Path.Combine(outDirectory, "kdd-peer.json");
        var files = seeds.Select(s => Path.Combine(outDirectory, $"kdd-split-seed{s}.json")).ToArray();
        string[] arguments = [Script, Path.GetFullPath(dataPath), .. files, "--threads", "2", "--json", json];
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        // as the report shows it: OUT for the run's folder, KDD_FILE for the data, so no folder of this machine lands in the docs
        string shown = $"{PeerEnv} {python} {Script} KDD_FILE "
            + string.Join(' ', seeds.Select(s => $"OUT/kdd-split-seed{s}.json")) + " --threads 2 --json OUT/kdd-peer.json";
        if (!run)
            return $"PyTorch peer: not run (add --peer, or from the repository root: `{shown}`).";
        string? root = TextPeer.RepositoryRoot();
        if (root is null)
            return $"PyTorch peer: not run: {Script} is part of the repository, and no repository (Engine.sln) is above the working folder or the Demo build.";
        Directory.CreateDirectory(outDirectory);
        foreach (var (seed, file) in seeds.Zip(files))
        {
            var content = new Dictionary<string, object>
            {
                ["seed"] = seed, ["latent"] = recipe.Latent, ["hidden"] = recipe.Hidden, ["epochs"] = recipe.Epochs,
                ["batch"] = recipe.BatchSize, ["learning_rate"] = recipe.LearningRate,
                ["scaling"] = recipe.Scaling == Engine.Data.Tables.FeatureScaling.Standard ? "standard" : "min-max",
                ["train"] = split.Train, ["validation"] = split.Validation, ["test"] = split.Test,
            };
            File.WriteAllText(file, JsonSerializer.Serialize(content));
        }
        context.Out.Line($"peer: {shown} (OUT = {outDirectory})");
        File.Delete(json);
        int exit = TextPeer.Execute(Path.Combine(root, PeerEnv), [python, .. arguments], root, context);
        if (exit != 0 || !File.Exists(json))
            return $"PyTorch peer: failed (exit code {exit}; command: `{shown}`).";

        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var r = document.RootElement;
        var runs = r.GetProperty("runs").EnumerateArray().ToList();
        double mean = r.GetProperty("test_auroc_mean").GetDouble(), sd = r.GetProperty("test_auroc_std").GetDouble();
        double validation = runs.Average(x => x.GetProperty("validation_auroc").GetDouble());
        double seconds = runs.Average(x => x.GetProperty("train_seconds").GetDouble());
        context.Results["peer_torch_test_auroc_mean"] = mean;
        context.Results["peer_torch_test_auroc_std"] = sd;
        return string.Create(CultureInfo.InvariantCulture,
            $"PyTorch peer (torch {r.GetProperty("torch_version").GetString()}, {r.GetProperty("threads").GetInt32()} threads; the same split, preprocessing, recipe and seeds, "
            + $"PyTorch's own initialisation; {Script}): test AUROC {mean:F4} ± {sd:F4} over {runs.Count} seeds (validation {validation:F4}), {seconds:F0} s of training per seed.");
    }
}
