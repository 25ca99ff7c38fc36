using System.Text.Json;

namespace Demo;

/// <summary>
/// What lets a command that trains several models (pca, latent, classify, anomaly, text, the tour) resume after
/// Ctrl+C: while it runs, the final checkpoint of every model it has finished is kept in OUT/resume/ and
/// OUT/resume/journal.json names them and the model that was training when the run was stopped (its state is
/// OUT/interrupted.safetensors). `--resume OUT/interrupted.safetensors` then restores the finished models from their
/// checkpoints (nothing is retrained), continues the interrupted one from where it stopped, and trains the rest: the
/// results are those of a run that was never stopped. A run that ends normally deletes the folder.
/// </summary>
/// <remarks>
/// A model is known by a key: the report section it belongs to and what it is ("Autoencoders vs PCA / AE
/// 784-512-128-8-128-512-784"), unique within a command (and within the tour, whose parts are sections). Every
/// model is built and its data drawn from the run's seed, so restoring a finished model is the same as training it
/// again, only without the time.
/// </remarks>
internal sealed class RunJournal
{
    /// <summary>The folder under --out that holds the journal and the finished models' checkpoints.</summary>
    public const string FolderName = "resume";

    private const string FileName = "journal.json";

    // The interrupted model's state, copied from --resume when the run starts.
    private const string ContinueFile = "interrupted-model.safetensors";

    private string? _continueFrom;

    private readonly string _folder;
    private readonly string? _from;
    private readonly Entries _resumed;
    private readonly Entries _entries;

    private RunJournal(string folder, string? from, Entries resumed, Entries entries)
    {
        _folder = folder;
        _from = from;
        _resumed = resumed;
        _entries = entries;
    }

    /// <summary>
    /// The journal's content: the command and the options that decide its results (all but --seed, --resume, --out,
    /// --json and --threads), its seed, the finished models by key (their files), the interrupted one.
    /// </summary>
    private sealed record Entries(string Command, string Options, int Seed, Dictionary<string, string> Finished, string? Interrupted);

    /// <summary>
    /// The journal of this run, in OUT/resume. With --resume, the one beside the given checkpoint is read first
    /// (its seed becomes the run's unless --seed says otherwise, which must then be the same).
    /// </summary>
    /// <exception cref="ArgumentException">--resume names a checkpoint without a journal of this command beside it, or another seed.</exception>
    public static RunJournal Open(RunContext context, string command)
    {
        string folder = Path.Combine(context.OutDirectory, FolderName);
        var entries = new Entries(command, context.ResultOptions, context.Seed, [], null);
        if (context.ResumePath is not string resume) return new RunJournal(folder, null, entries, entries with { Finished = [] });

        string from = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(resume))!, FolderName);
        string file = Path.Combine(from, FileName);
        if (!File.Exists(file))
            throw new ArgumentException($"--resume {resume}: `{command}` trains several models, and there is no {FolderName}/{FileName} beside "
                + "the checkpoint to say which of them were finished. Give the OUT/interrupted.safetensors of an interrupted run of this command, "
                + "in its --out folder.");
        Entries saved;
        try
        {
            saved = JsonSerializer.Deserialize<Entries>(File.ReadAllText(file))
                ?? throw new InvalidDataException($"{file} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"--resume {resume}: {file} is damaged ({e.Message}).", e);
        }
        if (saved.Command != command)
            throw new ArgumentException($"--resume {resume}: the run it belongs to was `{saved.Command}`, not `{command}`; resume it with that command.");
        if (saved.Options != context.ResultOptions)
            throw new ArgumentException($"--resume {resume}: the run was made with the options `{Shown(saved.Options)}`, this one has `{Shown(context.ResultOptions)}`; "
                + "resume with the same options (--out, --json and --threads may differ).");
        if (context.SeedGiven && context.Seed != saved.Seed)
            throw new ArgumentException($"--resume {resume}: the run was made with --seed {saved.Seed}, not {context.Seed}; leave --seed out or give the same.");
        context.Seed = saved.Seed;
        // The models before the interrupted one write OUT/interrupted.safetensors as they train (or are restored):
        // keep the interrupted model's state apart until its turn comes.
        string? continueFrom = null;
        if (saved.Interrupted is not null)
        {
            Directory.CreateDirectory(folder);
            continueFrom = Path.Combine(folder, ContinueFile);
            if (Path.GetFullPath(resume) != continueFrom) File.Copy(resume, continueFrom, overwrite: true);
        }
        var journal = new RunJournal(folder, from, saved, entries with { Seed = saved.Seed, Finished = [] }) { _continueFrom = continueFrom };
        context.Out.Line($"resuming `{command}` from {resume}: {saved.Finished.Count} model(s) finished before the interruption"
            + (saved.Interrupted is null ? "" : $", \"{saved.Interrupted}\" interrupted"));
        return journal;
    }

    /// <summary>The final checkpoint of <paramref name="key"/> if the resumed run had finished it, else null.</summary>
    public string? FinishedCheckpoint(string key) =>
        _from is not null && _resumed.Finished.TryGetValue(key, out string? name) && File.Exists(Path.Combine(_from, name))
            ? Path.Combine(_from, name)
            : null;

    /// <summary>The state to continue <paramref name="key"/> from if the resumed run was training it when it was stopped, else null.</summary>
    public string? InterruptedCheckpoint(string key) => _from is not null && _resumed.Interrupted == key ? _continueFrom : null;

    /// <summary>Where this run keeps the final checkpoint of <paramref name="key"/> once it is finished.</summary>
    public string FinishedPath(string key)
    {
        Directory.CreateDirectory(_folder);
        string name = _entries.Finished.TryGetValue(key, out string? known) ? known
            : $"{_entries.Finished.Count + 1:000}-{Report.RunReport.Slug(key)}.safetensors";
        return Path.Combine(_folder, name);
    }

    /// <summary>Keeps the final checkpoint of <paramref name="key"/> (moved from <paramref name="checkpoint"/> unless it is already there).</summary>
    public void Finished(string key, string checkpoint)
    {
        string target = FinishedPath(key);
        if (Path.GetFullPath(checkpoint) != Path.GetFullPath(target)) File.Move(checkpoint, target, overwrite: true);
        _entries.Finished[key] = Path.GetFileName(target);
        Write(_entries with { Interrupted = null });
    }

    /// <summary>Notes that <paramref name="key"/> was stopped by Ctrl+C (its state is OUT/interrupted.safetensors).</summary>
    public void Interrupted(string key) => Write(_entries with { Interrupted = key });

    /// <summary>The run ended normally: the finished models' checkpoints are no longer needed.</summary>
    public void Complete()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static string Shown(string options) => options.Length == 0 ? "(none)" : options;

    private void Write(Entries entries)
    {
        Directory.CreateDirectory(_folder);
        string json = JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true });
        Engine.IO.AtomicFile.WriteText(Path.Combine(_folder, FileName), w => w.Write(json));
    }
}
