using System.Security.Cryptography;

namespace Demo.Datasets;

/// <summary>A file the demo may download: its name, address, exact size and SHA-256.</summary>
internal sealed record RemoteFile(string Name, Uri Address, long Size, string Sha256);

/// <summary>
/// Downloads a file whose bytes are known in advance, so that what lands on the disk is exactly the published file
/// or nothing: the body streams into a temporary file beside the target while it is hashed, is refused when it is
/// larger or smaller than the published size or its SHA-256 differs, and only then is renamed over the target (an
/// atomic rename within one folder). An interrupted or refused download leaves no file behind.
/// </summary>
internal static class VerifiedDownload
{
    /// <summary>The SHA-256 of a file as lower-case hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Whether <paramref name="path"/> holds exactly <paramref name="file"/>'s bytes.</summary>
    public static bool Matches(string path, RemoteFile file) =>
        File.Exists(path) && new FileInfo(path).Length == file.Size && Sha256Of(path) == file.Sha256;

    /// <summary>Downloads <paramref name="file"/> to <paramref name="target"/>, verified, within <paramref name="timeout"/> in all.</summary>
    /// <exception cref="IOException">The server or the network failed, or the bytes are not the published ones; the message says which.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled (Ctrl+C).</exception>
    public static void Fetch(HttpClient client, RemoteFile file, string target, TimeSpan timeout, CancellationToken cancellation = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        try
        {
            Fetch(client, file, target, deadline.Token);
        }
        catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new IOException($"{file.Address.Host} did not deliver {file.Name} within {timeout.TotalSeconds:0} s", e);
        }
    }

    private static void Fetch(HttpClient client, RemoteFile file, string target, CancellationToken cancellation)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.part");
        try
        {
            using (var response = Send(client, file, cancellation))
            using (var body = response.Content.ReadAsStream(cancellation))
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = Read(body, buffer, file, cancellation)) > 0)
                {
                    total += n;
                    if (total > file.Size)
                        throw new IOException($"{file.Address} sent more than the {file.Size:N0} bytes of {file.Name}: not the published file.");
                    hash.AppendData(buffer, 0, n);
                    output.Write(buffer, 0, n);
                }
                if (total < file.Size)
                    throw new IOException($"{file.Address} sent {total:N0} of the {file.Size:N0} bytes of {file.Name}: the download was cut short.");
                string sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (sha != file.Sha256)
                    throw new IOException($"{file.Address}: the SHA-256 of the download is {sha}, not the published {file.Sha256}: "
                        + "the file on the server differs from the one this demo was made for, or was damaged on the way.");
                output.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static HttpResponseMessage Send(HttpClient client, RemoteFile file, CancellationToken cancellation)
    {
        HttpResponseMessage response;
        try
        {
            response = client.Send(new HttpRequestMessage(HttpMethod.Get, file.Address), HttpCompletionOption.ResponseHeadersRead, cancellation);
        }
        catch (HttpRequestException e)
        {
            throw new IOException($"could not reach {file.Address.Host} ({e.Message})", e);
        }
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new IOException($"{file.Address} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        return response;
    }

    private static int Read(Stream body, byte[] buffer, RemoteFile file, CancellationToken cancellation)
    {
        try
        {
            return body.ReadAsync(buffer, cancellation).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new IOException($"the connection to {file.Address.Host} broke during the download of {file.Name} ({e.Message})", e);
        }
    }
}
