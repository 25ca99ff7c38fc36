using Engine.Data;
using Engine.Layers;
using Engine.Models;
using Engine.Optim;
using Engine.Training;

namespace Demo.Commands;

/// <summary>What the pca, classify and latent commands share: data as float arrays, AE training, the results page.</summary>
internal static class LatentDemoSupport
{
    public static float[] ToFloats(byte[] images)
    {
        var result = new float[images.Length];
        FashionMnist.ToUnitFloats(images, 0, images.Length / FashionMnist.ImageSize, result);
        return result;
    }

    public static int[] ToLabels(byte[] labels) => labels.Select(l => (int)l).ToArray();

    /// <summary>Trains an autoencoder with Adam (default 1e-3), batch 128, printing progress; returns the wall-clock seconds.</summary>
    public static double Train(RunContext context, AutoencoderModel model, IDataset train, int epochs, string what,
        float learningRate = 1e-3f)
    {
        context.Out.Line($"training {what} ({model.ParameterCount:N0} parameters, {epochs} epochs)");
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = 128,
            Seed = context.Seed,
            Cancellation = context.Cancellation,
            OnBatch = r => context.Out.Batch(r, epochs),
            OnEpoch = r => context.Out.Epoch(r, epochs),
        });
        var history = trainer.Fit(model, new Adam(model.Parameters(), learningRate), train);
        return history.Epochs.Sum(e => e.Seconds);
    }

    /// <summary>Copies every parameter of <paramref name="source"/> into the same-shaped <paramref name="target"/>.</summary>
    public static void CopyParameters(Module source, Module target)
    {
        var from = source.NamedParameters().ToList();
        var to = target.NamedParameters().ToList();
        if (from.Count != to.Count) throw new InvalidOperationException("CopyParameters: the models differ.");
        for (int i = 0; i < from.Count; i++) from[i].Parameter.ReadOnlySpan.CopyTo(to[i].Parameter.Span);
    }

    /// <summary>
    /// Replaces the section under <paramref name="heading"/> (up to the next "## " heading) in docs/results.md, or
    /// appends it; the file is found by walking up from the working directory to the folder holding Engine.sln.
    /// Written atomically. Returns the path, or null when no repository was found.
    /// </summary>
    public static string? WriteResultsSection(string heading, string markdown)
    {
        var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) dir = dir.Parent;
        if (dir is null) return null;
        string path = Path.Combine(dir.FullName, "docs", "results.md");
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : ["# Results", ""];
        var section = new List<string> { heading, "" };
        section.AddRange(markdown.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')));
        section.Add("");
        int start = lines.FindIndex(l => l.TrimEnd() == heading);
        if (start < 0)
        {
            if (lines.Count > 0 && lines[^1].Length > 0) lines.Add("");
            lines.AddRange(section);
        }
        else
        {
            int end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
            if (end < 0) end = lines.Count;
            lines.RemoveRange(start, end - start);
            lines.InsertRange(start, section);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + ".tmp";
        File.WriteAllText(temp, string.Join("\n", lines).TrimEnd() + "\n");
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
