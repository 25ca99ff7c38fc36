using Engine.IO;
using System.Globalization;
using System.Text;

namespace Engine.Text;

/// <summary>
/// A word ↔ id map with four special tokens: <c>&lt;pad&gt;</c> = 0, <c>&lt;unk&gt;</c> = 1,
/// <c>&lt;bos&gt;</c> = 2, <c>&lt;eos&gt;</c> = 3. Words follow by descending count, ties in ordinal string order,
/// so the same corpus always gives the same ids.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>Id of the padding token.</summary>
    public const int PadId = 0;

    /// <summary>Id of the unknown-word token.</summary>
    public const int UnkId = 1;

    /// <summary>Id of the begin-of-sentence token.</summary>
    public const int BosId = 2;

    /// <summary>Id of the end-of-sentence token.</summary>
    public const int EosId = 3;

    /// <summary>Number of special tokens (ids 0..3).</summary>
    public const int SpecialCount = 4;

    /// <summary>The special tokens, indexed by id. The tokenizer never produces them (it splits '&lt;').</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = ["<pad>", "<unk>", "<bos>", "<eos>"];

    private const string Magic = "engine-vocabulary";
    private const int FormatVersion = 1;

    private readonly string[] _tokens;
    private readonly long[] _counts;
    private readonly Dictionary<string, int> _ids;

    private Vocabulary(string[] tokens, long[] counts)
    {
        _tokens = tokens;
        _counts = counts;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
            _ids.Add(tokens[i], i);
    }

    /// <summary>Number of entries, special tokens included.</summary>
    public int Count => _tokens.Length;

    /// <summary>All tokens, indexed by id.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>Corpus counts, indexed by id (0 for the special tokens).</summary>
    public IReadOnlyList<long> Counts => _counts;

    /// <summary>
    /// Builds a vocabulary from tokenised sentences: words seen fewer than <paramref name="minCount"/> times are
    /// dropped, then the most frequent words are kept so that <see cref="Count"/> (specials included) is at most
    /// <paramref name="maxSize"/>. Equal counts are ordered by ordinal string comparison.
    /// </summary>
    /// <exception cref="ArgumentException">A token is empty, contains white space, or is a special token;
    /// <paramref name="minCount"/> &lt; 1 or <paramref name="maxSize"/> &lt; 4.</exception>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int minCount = 1,
        int maxSize = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, SpecialCount);
        var ranked = CountAndRank(sentences, minCount, maxSize - SpecialCount);
        var tokens = new string[SpecialCount + ranked.Count];
        var counts = new long[tokens.Length];
        for (int i = 0; i < SpecialCount; i++)
            tokens[i] = SpecialTokens[i];
        for (int i = 0; i < ranked.Count; i++)
            (tokens[SpecialCount + i], counts[SpecialCount + i]) = ranked[i];
        return new Vocabulary(tokens, counts);
    }

    /// <summary>Builds a vocabulary from raw texts, tokenised with <see cref="Tokenizer"/>.</summary>
    /// <inheritdoc cref="Build(IEnumerable{IReadOnlyList{string}}, int, int)"/>
    public static Vocabulary FromTexts(IEnumerable<string> texts, int minCount = 1, int maxSize = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Build(texts.Select(t => (IReadOnlyList<string>)Tokenizer.Tokenize(t)), minCount, maxSize);
    }

    /// <summary>
    /// Counts tokens and ranks them by descending count, ties in ordinal order, keeping those with count ≥
    /// <paramref name="minCount"/> and at most <paramref name="maxWords"/> of them. Shared with Word2Vec.
    /// </summary>
    internal static List<(string Token, long Count)> CountAndRank(IEnumerable<IReadOnlyList<string>> sentences,
        int minCount, int maxWords, bool rejectSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
        {
            ArgumentNullException.ThrowIfNull(sentence, nameof(sentences));
            foreach (string token in sentence)
            {
                ValidateToken(token, nameof(sentences));
                if (rejectSpecialTokens && SpecialTokens.Contains(token))
                    throw new ArgumentException($"Vocabulary.Build: the corpus contains the special token '{token}'.",
                        nameof(sentences));
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
        }
        var ranked = counts.Where(kv => kv.Value >= minCount).Select(kv => (kv.Key, kv.Value)).ToList();
        ranked.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        if (ranked.Count > maxWords)
            ranked.RemoveRange(maxWords, ranked.Count - maxWords);
        return ranked;
    }

    /// <summary>The id of <paramref name="token"/>, or <see cref="UnkId"/> if it is not in the vocabulary.</summary>
    public int IdOf(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _ids.TryGetValue(token, out int id) ? id : UnkId;
    }

    /// <summary>True and the id if <paramref name="token"/> is in the vocabulary.</summary>
    public bool TryGetId(string token, out int id)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _ids.TryGetValue(token, out id);
    }

    /// <summary>The token with id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not in [0, Count).</exception>
    public string TokenOf(int id)
    {
        if ((uint)id >= (uint)_tokens.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Vocabulary has ids 0..{_tokens.Length - 1}.");
        return _tokens[id];
    }

    /// <summary>Tokenises <paramref name="text"/> and maps each token to its id (unknown words → <c>&lt;unk&gt;</c>).</summary>
    public int[] Encode(string text) => Encode(Tokenizer.Tokenize(text));

    /// <summary>Maps each token to its id (unknown words → <c>&lt;unk&gt;</c>).</summary>
    public int[] Encode(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var ids = new int[tokens.Count];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = IdOf(tokens[i]);
        return ids;
    }

    /// <summary>
    /// Maps ids back to tokens joined by single spaces. With <paramref name="skipSpecial"/>, <c>&lt;pad&gt;</c>,
    /// <c>&lt;bos&gt;</c> and <c>&lt;eos&gt;</c> are left out (<c>&lt;unk&gt;</c> is kept, it stands for a word).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in [0, Count).</exception>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecial = false)
    {
        var builder = new StringBuilder();
        foreach (int id in ids)
        {
            string token = TokenOf(id);
            if (skipSpecial && id is PadId or BosId or EosId)
                continue;
            if (builder.Length > 0)
                builder.Append(' ');
            builder.Append(token);
        }
        return builder.ToString();
    }

    /// <summary>
    /// Saves as UTF-8 text, atomically (temporary file, flush, rename): a header line
    /// <c>engine-vocabulary 1 &lt;count&gt;</c>, then one line per id, <c>token TAB count</c>.
    /// </summary>
    public void Save(string path) =>
        AtomicFile.WriteText(path, writer =>
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Magic} {FormatVersion} {Count}"));
            for (int i = 0; i < _tokens.Length; i++)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_tokens[i]}\t{_counts[i]}"));
        });

    /// <summary>Loads a file written by <see cref="Save"/>, checking every line.</summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file and line (and the byte offset of invalid UTF-8).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Vocabulary Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new Utf8LineReader(path);
        string header = reader.ReadLine() ?? throw Error(path, 1, "the file is empty");
        int lineNumber = 1;
        string[] parts = header.Split(' ');
        if (parts.Length != 3 || parts[0] != Magic)
            throw Error(path, 1, $"expected header '{Magic} {FormatVersion} <count>', found '{Clip(header)}'");
        if (parts[1] != FormatVersion.ToString(CultureInfo.InvariantCulture))
            throw Error(path, 1, $"unsupported version '{Clip(parts[1])}' (this build reads {FormatVersion})");
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || count < SpecialCount)
            throw Error(path, 1, $"bad entry count '{Clip(parts[2])}' (need an integer ≥ {SpecialCount})");

        // Grow as lines arrive instead of trusting the header count for an allocation.
        var tokens = new List<string>();
        var counts = new List<long>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            int id = lineNumber - 2;
            if (id >= count)
                throw Error(path, lineNumber, $"more entries than the {count} the header announces");
            int tab = line.IndexOf('\t');
            if (tab <= 0 || line.IndexOf('\t', tab + 1) >= 0)
                throw Error(path, lineNumber, $"expected 'token<TAB>count', found '{Clip(line)}'");
            string token = line[..tab];
            if (token.Any(char.IsWhiteSpace))
                throw Error(path, lineNumber, $"token '{Clip(token)}' contains white space");
            if (!long.TryParse(line.AsSpan(tab + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                throw Error(path, lineNumber, $"bad count '{Clip(line[(tab + 1)..])}'");
            if (id < SpecialCount ? token != SpecialTokens[id] : SpecialTokens.Contains(token))
                throw Error(path, lineNumber, $"token '{Clip(token)}' at id {id}: special tokens must be " +
                    "exactly ids 0..3 in the order <pad> <unk> <bos> <eos>");
            if (!seen.Add(token))
                throw Error(path, lineNumber, $"duplicate token '{Clip(token)}'");
            tokens.Add(token);
            counts.Add(n);
        }
        if (tokens.Count != count)
            throw Error(path, lineNumber + 1, $"file ends after {tokens.Count} of {count} entries");
        return new Vocabulary([.. tokens], [.. counts]);
    }

    internal static void ValidateToken(string? token, string paramName)
    {
        if (string.IsNullOrEmpty(token) || token.Any(char.IsWhiteSpace))
            throw new ArgumentException($"Tokens must be non-empty and free of white space, got '{token}'.",
                paramName);
    }

    private static InvalidDataException Error(string path, int line, string what) =>
        new($"{path}:{line}: corrupted vocabulary file: {what}.");

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
