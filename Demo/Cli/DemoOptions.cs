using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Demo.Cli;

/// <summary>
/// The demo's options, one factory each: an option means the same thing, parses the same way and refuses the same
/// bad values on every command that offers it. Each command builds the options it uses (see
/// <see cref="CommandOptions"/>); a command that does not use an option does not offer it.
/// </summary>
/// <remarks>
/// Every check runs while the command line is parsed, before any data is read or any model trained, and a refusal
/// is one line in the user's terms naming the option and the value ("--epochs must be a whole number from 1 to
/// 100000, got 'abc'."). To add an option to a command: build it here (or with <see cref="WholeNumber"/>,
/// <see cref="Number"/>, <see cref="InputFile"/>, <see cref="InputPath"/>, <see cref="OutputFile"/>,
/// <see cref="Choice"/>), add it to the command, read it with <c>parse.GetValue(option)</c>.
/// </remarks>
internal static class DemoOptions
{
    /// <summary>Most epochs any command accepts: far beyond any useful run, small enough that counts cannot overflow.</summary>
    public const int MaxEpochs = 100_000;

    /// <summary>The largest latent (code) size accepted: 4,096 is far beyond any useful code of the demo's data.</summary>
    public const int MaxLatent = 4096;

    public static Option<int?> Epochs(string description) =>
        WholeNumber("--epochs", description, 1, MaxEpochs);

    public static Option<int?> Latent(string description) =>
        WholeNumber("--latent", description, 1, MaxLatent);

    public static Option<int> Seed() => new("--seed")
    {
        Description = "Random seed (0 to 1000000000): the same seed and thread count give identical runs.",
        DefaultValueFactory = _ => 1,
        CustomParser = result => ParseWhole(result, "--seed", 0, 1_000_000_000) ?? 1,
    };

    public static Option<int?> Threads() =>
        WholeNumber("--threads", "Threads for the kernels, 1 to 1024 (default: all cores).", 1, 1024);

    public static Option<bool> Quick(string description = "A short run on the embedded data (fewer epochs, smaller models).") =>
        new("--quick") { Description = description };

    public static Option<string> Out() => OutputFolder("--out",
        "Folder for the report (report.html), pictures and the checkpoint of an interrupted run.", "out");

    public static Option<string?> Json() =>
        OutputFile("--json", "Write the headline figures to this JSON file (for scripts).");

    public static Option<bool> WriteDocs() => new("--write-docs")
    {
        Description = "Write the results (tables, figures) into their generated blocks in the docs chapters of this repository.",
    };

    public static Option<string?> Save(string description = "Save the trained model to this checkpoint file (resumable with --resume, loadable with --load).") =>
        OutputFile("--save", description);

    public static Option<string?> Load(string description = "Evaluate the model in this checkpoint instead of training one.") =>
        InputFile("--load", description);

    public static Option<string?> Resume() => InputFile("--resume",
        "Continue training from this checkpoint (OUT/interrupted.safetensors after Ctrl+C, or a --save file) up to --epochs in all.");

    /// <summary>--resume of a command that trains several models: the run as a whole continues.</summary>
    public static Option<string?> ResumeRun() => InputFile("--resume",
        "Continue an interrupted run from its OUT/interrupted.safetensors, with the same options: the models it had finished are restored "
        + "(from OUT/resume), the interrupted one continues where it stopped, the rest are trained.");

    /// <summary>--data of the image commands: a folder of Fashion-MNIST's IDX files.</summary>
    public static Option<string?> FashionData() => InputPath("--data",
        "Folder with Fashion-MNIST's four IDX files (.gz or not); default: the full set if installed, else the embedded subset.");

    /// <summary>
    /// The options of a command that trains one image model: the common ones, --data, --epochs, --latent, and the
    /// model file options --save, --load and --resume.
    /// </summary>
    public static CommandOptions ImageModel(int defaultEpochs, int defaultLatent, string quickEpochs = "3") => CommandOptions.Common() with
    {
        Data = FashionData(),
        Epochs = Epochs($"Training epochs in all (default {defaultEpochs}; {quickEpochs} with --quick); with --resume, the total including the checkpoint's."),
        Latent = Latent($"Code size (default {defaultLatent})."),
        Save = Save(),
        Load = Load(),
        Resume = Resume(),
    };

    /// <summary>A whole-number option; anything but a whole number in [min, max] is refused with its name and value.</summary>
    public static Option<int?> WholeNumber(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        CustomParser = result => ParseWhole(result, name, min, max),
    };

    /// <summary>
    /// A finite number in [min, max] (or (min, max] when <paramref name="minExclusive"/>), with a default; "1e39", "nan"
    /// and "abc" are refused with the option's name and the value.
    /// </summary>
    public static Option<float> Number(string name, string description, float defaultValue, float min, float max,
        bool minExclusive = false) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return defaultValue;
            string text = Token(result);
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
            {
                result.AddError($"{name} must be a finite number, got '{text}'.");
                return defaultValue;
            }
            if (value < min || value > max || (minExclusive && value == min))
                result.AddError($"{name} must be {(minExclusive ? "above" : "at least")} {Invariant(min)} and at most {Invariant(max)}, got {text}.");
            return value;
        },
    };

    /// <summary>One of a fixed set of words (compared without regard to case); the message lists them.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices) => new(name)
    {
        Description = $"{description} One of: {string.Join(", ", choices)}.",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return defaultValue;
            string text = Token(result);
            string? match = choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase));
            if (match is null) result.AddError($"{name} must be one of {string.Join(", ", choices)}, got '{text}'.");
            return match ?? defaultValue;
        },
    };

    /// <summary>A file that must exist when the command starts.</summary>
    public static Option<string?> InputFile(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            string? path = result.GetValueOrDefault<string?>();
            if (path is null) return;
            if (path.Length == 0) result.AddError($"{name} needs a file name.");
            else if (Directory.Exists(path)) result.AddError($"{name} {path}: is a folder, not a file.");
            else if (!File.Exists(path)) result.AddError($"{name} {path}: no such file.");
        });
        return option;
    }

    /// <summary>A file or a folder that must exist when the command starts (its content is checked when it is read).</summary>
    public static Option<string?> InputPath(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            string? path = result.GetValueOrDefault<string?>();
            if (path is null) return;
            if (path.Length == 0) result.AddError($"{name} needs a file or folder name.");
            else if (!File.Exists(path) && !Directory.Exists(path)) result.AddError($"{name} {path}: no such file or folder.");
        });
        return option;
    }

    /// <summary>A file the command writes at its end: refused now if it could not be written then (see <see cref="OutputPaths"/>).</summary>
    public static Option<string?> OutputFile(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is string path && OutputPaths.FileProblem(path) is string problem)
                result.AddError($"{name} {path}: {problem}");
        });
        return option;
    }

    /// <summary>A folder the command writes into: refused now if it could not be created or written.</summary>
    public static Option<string> OutputFolder(string name, string description, string defaultValue)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is string path && OutputPaths.FolderProblem(path) is string problem)
                result.AddError($"{name} {path}: {problem}");
        });
        return option;
    }

    // No token: the option was not given (System.CommandLine asks for its default value this way).
    private static int? ParseWhole(ArgumentResult result, string name, int min, int max)
    {
        if (result.Tokens.Count == 0) return null;
        string text = Token(result);
        string range = max == int.MaxValue ? $"at least {min}" : $"from {min} to {max}";
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            result.AddError($"{name} must be a whole number {range}, got '{text}'.");
            return null;
        }
        if (value < min || value > max)
        {
            result.AddError($"{name} must be a whole number {range}, got {text}.");
            return null;
        }
        return (int)value;
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";

    private static string Invariant(float value) => value.ToString(CultureInfo.InvariantCulture);
}
