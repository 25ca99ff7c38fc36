using System.CommandLine;
using System.Xml.Linq;
using Demo;
using Engine.Tests.Testing;

namespace Engine.Tests.DemoApp;

/// <summary>
/// The demo's command line through its own entry point (<see cref="DemoCli.Run"/>, what Program.cs calls): bad values
/// are refused before any work with one line in the user's terms, output paths that could not be written are refused
/// up front naming the user's path, each command offers only the options it uses, and --version is the package's.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class CliOptionTests : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    // Runs the command line with a fresh --out under the scratch folder; returns the exit code and what went to stderr.
    private (int Exit, string Error, string Out) Run(params string[] args)
    {
        var error = new StringWriter();
        var output = new StringWriter();
        int exit = DemoCli.Run(args, error, output);
        return (exit, error.ToString(), output.ToString());
    }

    private string OutDir => _scratch.PathOf("out");

    [Theory]
    [InlineData("ae", "--epochs", "abc", "--epochs must be a whole number from 1 to 100000, got 'abc'.")]
    [InlineData("ae", "--epochs", "-1", "--epochs must be a whole number from 1 to 100000, got -1.")]
    [InlineData("ae", "--epochs", "0", "--epochs must be a whole number from 1 to 100000, got 0.")]
    [InlineData("ae", "--epochs", "99999999999", "--epochs must be a whole number from 1 to 100000, got 99999999999.")]
    [InlineData("vae", "--latent", "0", "--latent must be a whole number from 1 to 4096, got 0.")]
    [InlineData("pca", "--latent", "2.5", "--latent must be a whole number from 1 to 4096, got '2.5'.")]
    [InlineData("conv", "--seed", "-3", "--seed must be a whole number from 0 to 1000000000, got -3.")]
    [InlineData("classify", "--threads", "0", "--threads must be a whole number from 1 to 1024, got 0.")]
    [InlineData("vae", "--beta", "nan", "--beta must be a finite number, got 'nan'.")]
    [InlineData("vae", "--beta", "1e39", "--beta must be a finite number, got '1e39'.")]
    [InlineData("vae", "--beta", "0", "--beta must be above 0 and at most 1000, got 0.")]
    [InlineData("text", "--width", "30", "--width must be a multiple of 4 (the Transformer's 4 attention heads), got 30.")]
    [InlineData("text", "--word-dropout", "1", "--word-dropout must be at least 0 and at most 0.9, got 1.")]
    [InlineData("anomaly", "--protocol", "kdd", "--protocol must be one of standard, dagmm, fashion, got 'kdd'.")]
    [InlineData("anomaly --protocol dagmm", "--runs", "0", "--runs must be a whole number from 1 to 1000, got 0.")]
    [InlineData("anomaly --search", "--runs", "1001", "--runs must be a whole number from 1 to 1000, got 1001.")]
    public void BadValue_IsRefusedBeforeAnyWork_InOneLineNamingOptionAndValue(string command, string option, string value, string message)
    {
        var (exit, error, _) = Run([.. command.Split(' '), option, value, "--out", OutDir]);

        Assert.Equal(DemoCli.UsageError, exit);
        Assert.Contains($"error: {message}", error.Split('\n').Select(l => l.TrimEnd()));
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(OutDir), "a refused command line must not start any work (the --out folder was created)");
    }

    [Fact]
    public void Export_PartAsANumber_IsRefused()
    {
        string checkpoint = _scratch.PathOf("m.safetensors");
        File.WriteAllText(checkpoint, "not read: the command line is refused first");
        var (exit, error, _) = Run("export", "--load", checkpoint, "--onnx", _scratch.PathOf("m.onnx"), "--part", "7");
        Assert.Equal(DemoCli.UsageError, exit);
        Assert.StartsWith("error: --part must be one of Reconstruct, Encoder, Decoder, got '7'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveUnderAFile_IsRefusedUpFront_NamingTheUsersPath()
    {
        string file = _scratch.PathOf("hostname");
        File.WriteAllText(file, "a file, not a folder");
        string save = Path.Combine(file, "m.safetensors");

        var (exit, error, _) = Run("ae", "--quick", "--save", save, "--out", OutDir);

        Assert.Equal(DemoCli.UsageError, exit);
        Assert.Contains($"error: --save {save}: {file} is a file, not a folder.", error, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(OutDir));
    }

    [Fact]
    public void ExportTargetUnderAFile_IsRefusedUpFront()
    {
        string file = _scratch.PathOf("hostname");
        File.WriteAllText(file, "x");
        string checkpoint = _scratch.PathOf("m.safetensors");
        File.WriteAllText(checkpoint, "x");
        string onnx = Path.Combine(file, "m.onnx");

        var (exit, error, _) = Run("export", "--load", checkpoint, "--onnx", onnx);

        Assert.Equal(DemoCli.UsageError, exit);
        Assert.Contains($"error: --onnx {onnx}: {file} is a file, not a folder.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("already exists", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputsWhereNoFileCanBeCreated_AreRefusedUpFront()
    {
        // /proc accepts no new files, for root too: the check creates a probe file rather than trusting permissions.
        if (!OperatingSystem.IsLinux()) Assert.Skip("/proc exists on Linux only");
        foreach (string option in new[] { "--save", "--json" })
        {
            var (exit, error, _) = Run("ae", "--quick", option, "/proc/m.safetensors", "--out", OutDir);
            Assert.Equal(DemoCli.UsageError, exit);
            Assert.StartsWith($"error: {option} /proc/m.safetensors: cannot create files in /proc", error, StringComparison.Ordinal);
            Assert.DoesNotContain(".tmp", error, StringComparison.Ordinal);
        }
        var (outExit, outError, _) = Run("pca", "--out", "/proc/report");
        Assert.Equal(DemoCli.UsageError, outExit);
        Assert.StartsWith("error: --out /proc/report: cannot create files in /proc", outError, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultOutFolder_InAFolderThatTakesNoFiles_IsRefusedOnce_BeforeAnyWork()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("/proc exists on Linux only");
        var (exit, output, error) = DemoProcess.Run("/proc", null, 60, "ae", "--quick");
        Assert.Equal(DemoCli.UsageError, exit);
        Assert.Equal(["error: --out out: cannot create files in /proc (the system refused a new file there).", "See `Demo ae --help` for the options."],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", output);
    }

    [Fact]
    public void JsonNamingAFolder_IsRefused()
    {
        var (exit, error, _) = Run("ae", "--quick", "--json", _scratch.Path, "--out", OutDir);
        Assert.Equal(DemoCli.UsageError, exit);
        Assert.StartsWith($"error: --json {_scratch.Path}: is a folder; give a file name.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingInputs_AreRefusedUpFront()
    {
        string missing = _scratch.PathOf("nothing-here.safetensors");
        Assert.StartsWith($"error: --load {missing}: no such file.", Run("ae", "--load", missing).Error, StringComparison.Ordinal);
        Assert.StartsWith($"error: --resume {missing}: no such file.", Run("conv", "--resume", missing).Error, StringComparison.Ordinal);
        Assert.StartsWith($"error: --data {missing}: no such file or folder.", Run("anomaly", "--data", missing).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--load", "--resume", "--load (evaluate a model) and --resume (train it further) cannot be combined.")]
    [InlineData("--load", "--epochs", "--epochs does not apply with --load")]
    [InlineData("--resume", "--latent", "--latent does not apply with --resume")]
    public void OptionsThatContradictEachOther_AreRefused(string first, string second, string message)
    {
        string checkpoint = _scratch.PathOf("m.safetensors");
        File.WriteAllText(checkpoint, "x");
        string Value(string option) => option is "--load" or "--resume" ? checkpoint : "3";
        var (exit, error, _) = Run("ae", first, Value(first), second, Value(second), "--out", OutDir);
        Assert.Equal(DemoCli.UsageError, exit);
        Assert.StartsWith($"error: {message}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsWithTheFashionProtocol_IsRefused() =>
        Assert.StartsWith("error: --runs applies to --protocol standard or dagmm and to --search, not to --protocol fashion.",
            Run("anomaly", "--protocol", "fashion", "--runs", "3").Error, StringComparison.Ordinal);

    [Fact]
    public void KddSearch_RefusesWhatItDoesNotUse()
    {
        Assert.StartsWith("error: --candidates applies to --search only.", Run("anomaly", "--candidates", "1").Error, StringComparison.Ordinal);
        Assert.StartsWith("error: --peer applies to --protocol standard only", Run("anomaly", "--search", "--peer").Error, StringComparison.Ordinal);
        Assert.StartsWith("error: --peer applies to --protocol standard only", Run("anomaly", "--protocol", "dagmm", "--peer").Error, StringComparison.Ordinal);
        Assert.StartsWith("error: --candidates: 'x' is not a recipe; use numbers from 1 to 14: 1 = 4-d code, 20 epochs, Adam 0.001, min-max;",
            Run("anomaly", "--search", "--candidates", "2,x").Error, StringComparison.Ordinal);
        Assert.StartsWith("error: --candidates: '15' is not a recipe", Run("anomaly", "--search", "--candidates", "15").Error, StringComparison.Ordinal);
        Assert.StartsWith("error: --search chooses the recipe of --protocol standard", Run("anomaly", "--search", "--protocol", "dagmm").Error, StringComparison.Ordinal);
        Assert.StartsWith("error: --search chooses the recipe of --protocol standard", Run("anomaly", "--search", "--scaling", "standard").Error, StringComparison.Ordinal);
        Assert.StartsWith("error: --epochs, --latent and --resume do not apply with --search", Run("anomaly", "--search", "--epochs", "3").Error, StringComparison.Ordinal);
        Assert.StartsWith("error: --epochs, --latent and --resume do not apply with --search", Run("anomaly", "--search", "--latent", "4").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsOfAnotherMode_AreRefused()
    {
        Assert.StartsWith("error: --save and --load apply to a table run", Run("anomaly", "--save", "m.safetensors").Error, StringComparison.Ordinal);
        Assert.StartsWith("error: --candidates and --runs apply to --search only.", Run("text", "--runs", "3").Error, StringComparison.Ordinal);
        // a table option alone makes it a table run, which needs its table: never a KDD run that ignores the option
        Assert.StartsWith("error: --train FILE", Run("anomaly", "--scaling", "standard").Error, StringComparison.Ordinal);
    }

    /// <summary>What each command offers: the options it uses, no more (issue #15: 11 global options on every command).</summary>
    public static TheoryData<string, string> Offered => new()
    {
        { "", "--epochs --latent --seed --threads --out --quick --json --resume" },
        { "tour", "--epochs --latent --seed --threads --out --quick --json --resume" },
        { "ae", "--data --epochs --latent --seed --threads --out --quick --json --save --load --resume --write-docs" },
        { "sparse", "--data --epochs --latent --seed --threads --out --quick --json --save --load --resume --write-docs" },
        { "denoise", "--data --epochs --latent --seed --threads --out --quick --json --save --load --resume --write-docs" },
        { "contractive", "--data --epochs --latent --seed --threads --out --quick --json --save --load --resume --write-docs" },
        { "conv", "--data --epochs --latent --seed --threads --out --quick --json --save --load --resume --write-docs" },
        { "vae", "--data --epochs --latent --seed --threads --out --quick --json --save --load --resume --write-docs --beta --pytorch-example" },
        { "pca", "--data --epochs --latent --seed --threads --out --quick --json --resume --write-docs" },
        { "classify", "--data --epochs --latent --seed --threads --out --quick --json --resume --write-docs" },
        { "latent", "--data --epochs --latent --seed --threads --out --quick --json --resume --write-docs" },
        { "anomaly", "--data --epochs --latent --seed --threads --out --quick --json --save --load --resume --write-docs --protocol --runs --search --candidates --peer "
            + "--train --test --label-column --normal --drop-columns --categorical --header --separator --scaling --scores" },
        { "text", "--data --epochs --latent --seed --threads --out --quick --json --save --write-docs --word-dropout --hidden --width "
            + "--test --folds --text-column --label-column --peer --search --candidates --runs" },
        { "word2vec", "--data --epochs --latent --seed --out --quick --json --write-docs" },
        { "export", "--json --load --onnx --safetensors --part" },
    };

    [Theory]
    [MemberData(nameof(Offered))]
    public void EachCommand_OffersExactlyTheOptionsItUses(string command, string options)
    {
        var root = DemoCli.Build();
        Command target = command.Length == 0 ? root : root.Subcommands.Single(c => c.Name == command);
        var offered = target.Options.Where(o => o is not System.CommandLine.Help.HelpOption && o.Name != "--version").Select(o => o.Name);
        Assert.Equal(options.Split(' '), offered);
        Assert.DoesNotContain(target.Options, o => o.Recursive && o is not System.CommandLine.Help.HelpOption);
    }

    [Theory]
    [InlineData("classify", "--save")]
    [InlineData("pca", "--load")]
    [InlineData("pca", "--save")]
    [InlineData("word2vec", "--load")]
    [InlineData("text", "--load")]
    [InlineData("word2vec", "--threads")]
    public void AnOptionTheCommandDoesNotUse_IsRefused_NotIgnored(string command, string option)
    {
        var (exit, error, _) = Run(command, option, "1");
        Assert.Equal(DemoCli.UsageError, exit);
        Assert.Contains($"Unrecognized command or argument '{option}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_IsTheProjectVersion_FromDirectoryBuildProps()
    {
        var props = XDocument.Load(Repository.File("Directory.Build.props"));
        string version = props.Descendants("VersionPrefix").Single().Value;

        var (exit, _, output) = Run("--version");

        Assert.Equal(0, exit);
        Assert.Equal(version, output.Trim());
        Assert.Equal("0.1.0", version);
    }
}
