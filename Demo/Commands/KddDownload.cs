namespace Demo.Commands;

/// <summary>
/// Finds the KDD Cup 1999 10% file: --data, else a cached copy, else a download from the UCI KDD archive into the
/// cache (written to a temporary file and renamed, so an interrupted download never looks complete).
/// </summary>
internal static class KddDownload
{
    public const string FileName = "kddcup.data_10_percent.gz";
    public const string Url = "http://kdd.ics.uci.edu/databases/kddcup99/kddcup.data_10_percent.gz";

    public static string CachePath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "autoencoders-demo", FileName);

    public static string Locate(string? dataPath, Output output)
    {
        if (dataPath is not null)
        {
            if (File.Exists(dataPath)) return dataPath;
            foreach (string name in new[] { FileName, "kddcup.data_10_percent" })
            {
                string inside = Path.Combine(dataPath, name);
                if (File.Exists(inside)) return inside;
            }
            throw new FileNotFoundException(
                $"--data {dataPath}: no such file, and no {FileName} in it. {HowToGet()}");
        }
        if (File.Exists(CachePath)) return CachePath;
        output.Line($"KDD Cup 1999 data not found in the cache; downloading {Url} (2.1 MB) ...");
        try
        {
            Download(CachePath);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException)
        {
            throw new IOException($"The KDD Cup 1999 file is missing and the download failed ({e.Message}). {HowToGet()}", e);
        }
        output.Line($"saved {CachePath}");
        return CachePath;
    }

    private static string HowToGet() =>
        $"Get the file with `curl -o {CachePath} {Url}` (or from the UCI Machine Learning Repository, "
        + "\"KDD Cup 1999 Data\"), or pass --data PATH to a copy.";

    private static void Download(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + ".part";
        using (var client = new HttpClient { Timeout = TimeSpan.FromMinutes(2) })
        using (var response = client.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult())
        {
            response.EnsureSuccessStatusCode();
            using var body = response.Content.ReadAsStream();
            using var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
            body.CopyTo(file);
            file.Flush(flushToDisk: true);
        }
        // a proxy's HTML error page is not gzip: refuse it rather than cache it
        using (var check = File.OpenRead(temp))
        {
            if (check.ReadByte() != 0x1F || check.ReadByte() != 0x8B)
            {
                check.Close();
                File.Delete(temp);
                throw new InvalidDataException($"{Url} did not return gzip data");
            }
        }
        File.Move(temp, path, overwrite: true);
    }
}
