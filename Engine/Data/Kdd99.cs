using System.IO.Compression;
using System.Runtime.ExceptionServices;
using Engine.Data.Tables;
using Engine.IO;

namespace Engine.Data;

/// <summary>
/// Reads the KDD Cup 1999 intrusion-detection data: CSV lines of 41 features and a label ending in a period
/// (<c>0,tcp,http,SF,181,5450,…,normal.</c>), gzip-compressed or plain.
/// </summary>
/// <remarks>
/// Source: UCI KDD Archive, "KDD Cup 1999 Data" (1998 DARPA Intrusion Detection Evaluation, MIT Lincoln
/// Laboratory). Columns 2–4 (protocol_type, service, flag) are symbolic; every other feature is a number. Symbolic
/// values and labels not seen before simply get a new code. A line with the wrong number of fields, an empty
/// field or a feature that is not a finite number is a <see cref="FormatException"/> naming the file, the line
/// number (1-based) and the column.
/// </remarks>
public static class Kdd99
{
    /// <summary>Number of features per record.</summary>
    public const int FeatureColumnCount = 41;

    /// <summary>Number of numeric features (all but protocol_type, service and flag).</summary>
    public const int NumericColumnCount = 38;

    /// <summary>The 41 feature names in file order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "land", "wrong_fragment",
        "urgent", "hot", "num_failed_logins", "logged_in", "num_compromised", "root_shell", "su_attempted",
        "num_root", "num_file_creations", "num_shells", "num_access_files", "num_outbound_cmds", "is_host_login",
        "is_guest_login", "count", "srv_count", "serror_rate", "srv_serror_rate", "rerror_rate", "srv_rerror_rate",
        "same_srv_rate", "diff_srv_rate", "srv_diff_host_rate", "dst_host_count", "dst_host_srv_count",
        "dst_host_same_srv_rate", "dst_host_diff_srv_rate", "dst_host_same_src_port_rate",
        "dst_host_srv_diff_host_rate", "dst_host_serror_rate", "dst_host_srv_serror_rate", "dst_host_rerror_rate",
        "dst_host_srv_rerror_rate",
    ];

    /// <summary>Names of the 38 numeric features, in the column order of <see cref="Kdd99Data.Numeric"/>.</summary>
    public static IReadOnlyList<string> NumericColumns { get; } =
        Columns.Where((_, i) => !IsSymbolic(i)).ToArray();

    /// <summary>Indices (0-based, in <see cref="Columns"/>) of the symbolic features: protocol_type, service, flag.</summary>
    public static IReadOnlyList<int> SymbolicColumnIndices { get; } = [1, 2, 3];

    /// <summary>
    /// The numeric columns the case study log-scales (17 count-like columns): duration, src_bytes and dst_bytes span
    /// nine orders of magnitude, and the event and connection counts are skewed the same way; the 0/1 flags and the
    /// rates (already in [0, 1]) are left as they are.
    /// </summary>
    public static IReadOnlyList<string> LogScaledColumns { get; } =
    [
        "duration", "src_bytes", "dst_bytes", "wrong_fragment", "urgent", "hot", "num_failed_logins",
        "num_compromised", "num_root", "num_file_creations", "num_shells", "num_access_files", "num_outbound_cmds",
        "count", "srv_count", "dst_host_count", "dst_host_srv_count",
    ];

    /// <summary>The case study's preprocessing: <see cref="LogScaledColumns"/> log-scaled, then <paramref name="scaling"/>.</summary>
    /// <param name="scaling">Min-max (the case study's) or standard scaling.</param>
    /// <returns>Options for <see cref="TablePreprocessor.Fit"/> on <see cref="Kdd99Data.ToTable"/>.</returns>
    public static TablePreprocessorOptions PreprocessorOptions(FeatureScaling scaling = FeatureScaling.MinMax) =>
        new() { Scaling = scaling, LogColumns = LogScaledColumns };

    // The standard training_attack_types table of KDD'99.
    private static readonly Dictionary<string, KddCategory> AttackCategories = new(StringComparer.Ordinal)
    {
        ["normal"] = KddCategory.Normal,
        ["back"] = KddCategory.Dos, ["land"] = KddCategory.Dos, ["neptune"] = KddCategory.Dos,
        ["pod"] = KddCategory.Dos, ["smurf"] = KddCategory.Dos, ["teardrop"] = KddCategory.Dos,
        ["ipsweep"] = KddCategory.Probe, ["nmap"] = KddCategory.Probe, ["portsweep"] = KddCategory.Probe,
        ["satan"] = KddCategory.Probe,
        ["ftp_write"] = KddCategory.R2L, ["guess_passwd"] = KddCategory.R2L, ["imap"] = KddCategory.R2L,
        ["multihop"] = KddCategory.R2L, ["phf"] = KddCategory.R2L, ["spy"] = KddCategory.R2L,
        ["warezclient"] = KddCategory.R2L, ["warezmaster"] = KddCategory.R2L,
        ["buffer_overflow"] = KddCategory.U2R, ["loadmodule"] = KddCategory.U2R, ["perl"] = KddCategory.U2R,
        ["rootkit"] = KddCategory.U2R,
    };

    /// <summary>True for the symbolic feature columns 1, 2 and 3 (protocol_type, service, flag).</summary>
    /// <param name="column">Feature index in [0, 41).</param>
    /// <returns>Whether the column holds a name rather than a number.</returns>
    public static bool IsSymbolic(int column) => column is 1 or 2 or 3;

    /// <summary>The category of a label (without its trailing period), or <see cref="KddCategory.Unknown"/>.</summary>
    /// <param name="label">Attack type or "normal", e.g. "smurf".</param>
    /// <returns>The category from the standard KDD'99 table.</returns>
    public static KddCategory CategoryOf(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return AttackCategories.TryGetValue(label, out var category) ? category : KddCategory.Unknown;
    }

    /// <summary>Reads a KDD'99 file, gzip (detected by its 1F 8B magic) or plain CSV.</summary>
    /// <param name="path">File to read; also names the file in error messages.</param>
    /// <returns>The records by column.</returns>
    /// <exception cref="FormatException">A line is malformed; the message gives file, line and column.</exception>
    /// <exception cref="InvalidDataException">The gzip data is corrupt, or truncated (its size or CRC-32 differs from the trailer); the message gives the byte offset.</exception>
    public static Kdd99Data Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads KDD'99 records from <paramref name="stream"/> (gzip or plain) to its end.</summary>
    /// <param name="stream">Readable stream; if it cannot seek it is first copied into memory.</param>
    /// <param name="name">Name for error messages and <see cref="Kdd99Data.Source"/>.</param>
    /// <returns>The records by column.</returns>
    /// <exception cref="FormatException">A line is malformed; the message gives name, line and column.</exception>
    /// <exception cref="InvalidDataException">The gzip data is corrupt, or truncated (its size or CRC-32 differs from the trailer); the message gives the byte offset.</exception>
    public static Kdd99Data Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (!stream.CanRead)
            throw new ArgumentException($"Kdd99.Read: the stream for '{name}' is not readable.", nameof(stream));
        if (!stream.CanSeek)
        {
            // gzip detection needs to look at the first two bytes and then start over
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            return Read(copy, name);
        }

        long start = stream.Position;
        Span<byte> lead = stackalloc byte[2];
        int got = stream.ReadAtLeast(lead, 2, throwOnEndOfStream: false);
        stream.Position = start;
        var parser = new Kdd99Parser(name);
        if (got == 2 && lead[0] == 0x1F && lead[1] == 0x8B)
            return ReadGzip(stream, name, start, parser);
        return parser.Parse(stream);
    }

    /// <summary>
    /// Decompresses and parses a single-member gzip file, then checks the decompressed size and CRC-32 against
    /// the trailer: GZipStream alone ends cleanly on a file cut at a deflate block or inside the trailer.
    /// </summary>
    private static Kdd99Data ReadGzip(Stream stream, string name, long start, Kdd99Parser parser)
    {
        long length = stream.Length - start;
        var (expectedCrc, expectedSize) = GzipTrailer.Read(stream, start, length, name);

        using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var checksum = new ChecksumStream(gzip);
        Kdd99Data? data = null;
        FormatException? lineError = null;
        // decompress (and checksum) on a second thread while this one parses; disposing waits for that thread
        using (var input = Kernels.Parallelism.MaxThreads > 1 ? new ReadAheadStream(checksum) : (Stream)checksum)
        {
            try
            {
                data = parser.Parse(input);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{name}: corrupt gzip data after line {parser.LineNumber} ({e.Message})", e);
            }
            catch (FormatException e)
            {
                // a cut file usually ends inside a line: report the truncation, not the broken last line
                lineError = e;
            }
        }
        bool intact = checksum.Matches(expectedCrc, expectedSize);
        if (lineError is not null && (intact || !checksum.Ended))
            ExceptionDispatchInfo.Throw(lineError);
        if (!intact)
            throw new InvalidDataException(
                $"{name}: byte offset {length - 8}: the gzip trailer says {expectedSize} bytes (mod 2^32) with CRC-32 "
                + $"0x{expectedCrc:X8}, but the data decompressed to {checksum.Count} bytes with CRC-32 0x{checksum.Crc:X8} "
                + $"(after line {parser.LineNumber}); the file is truncated or corrupt (multi-member gzip files are not supported).",
                lineError);
        return data!;
    }
}
