using System.CommandLine;

namespace Demo;

/// <summary>The options every command understands (declared once, recursive on the root command).</summary>
internal sealed class CommonOptions
{
    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Directory (or file) of the data set; default: the full set if installed, else the embedded subset.",
        Recursive = true,
    };

    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Training epochs.", Recursive = true };

    public Option<int?> Latent { get; } = new("--latent") { Description = "Latent (code) size.", Recursive = true };

    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Random seed: the same seed and thread count give identical runs.",
        DefaultValueFactory = _ => 1,
        Recursive = true,
    };

    public Option<int?> Threads { get; } = new("--threads") { Description = "Threads for the kernels (default: all cores).", Recursive = true };

    public Option<string> Out { get; } = new("--out")
    {
        Description = "Directory for the report, pictures and checkpoints.",
        DefaultValueFactory = _ => "out",
        Recursive = true,
    };

    public Option<bool> Quick { get; } = new("--quick") { Description = "A short run on the embedded subset.", Recursive = true };

    public Option<string?> Json { get; } = new("--json") { Description = "Write the headline figures to this JSON file.", Recursive = true };

    public Option<string?> Save { get; } = new("--save") { Description = "Save the trained model to this checkpoint path.", Recursive = true };

    public Option<string?> Load { get; } = new("--load") { Description = "Load a model checkpoint instead of training.", Recursive = true };

    public Option<bool> WriteDocs { get; } = new("--write-docs")
    {
        Description = "Write the results (tables, figures) into their generated blocks in the docs chapters of this repository.",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, Epochs, Latent, Seed, Threads, Out, Quick, Json, Save, Load, WriteDocs })
            command.Options.Add(option);
    }
}
