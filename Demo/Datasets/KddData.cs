namespace Demo.Datasets;

/// <summary>
/// Finds the KDD Cup 1999 10% file: --data (the file, or a folder holding it), else the copy that ships with the
/// demo (Demo/data/kddcup99, CC BY 4.0, copied beside the program as data/kddcup99), so the case study runs offline.
/// </summary>
internal static class KddData
{
    public const string FileName = "kddcup.data_10_percent.gz";

    /// <summary>Where the shipped copy sits beside the program.</summary>
    public static string ShippedPath => Path.Combine(AppContext.BaseDirectory, "data", "kddcup99", FileName);

    /// <summary>The file to read: --data as given (a file, or a folder with the file in it), else the shipped copy.</summary>
    public static string Locate(string? dataPath)
    {
        if (dataPath is not null)
        {
            if (File.Exists(dataPath)) return dataPath;
            foreach (string name in new[] { FileName, "kddcup.data_10_percent" })
            {
                string inside = Path.Combine(dataPath, name);
                if (File.Exists(inside)) return inside;
            }
            throw new FileNotFoundException($"--data {dataPath}: a folder without {FileName} in it; give the file itself or a folder that holds it.");
        }
        if (File.Exists(ShippedPath)) return ShippedPath;
        throw new FileNotFoundException($"The KDD Cup 1999 file that ships with the demo is missing from {ShippedPath} "
            + "(the build copies Demo/data/kddcup99 there); rebuild, or pass --data FILE.");
    }

    /// <summary>The data of a run in words, without any folder of this machine: "KDD Cup 1999 10% (shipped with the demo)" or the file as given.</summary>
    public static string Describe(string? dataPath, string path) =>
        dataPath is null && path == ShippedPath ? $"KDD Cup 1999 10% ({FileName}, shipped with the demo)" : $"{Path.GetFileName(path)} (--data {dataPath})";
}
