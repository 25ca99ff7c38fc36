using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Demo.Datasets;
using Engine.Tests.Testing;

namespace Engine.Tests.DemoApp;

/// <summary>
/// TREC is fetched on first use into the user's cache, verified by SHA-256, written atomically, with a clear
/// message when it cannot be; tested against a local HTTP server on 127.0.0.1 (the tests never use the network),
/// serving the shared copy of the files (../shared/data/trec) or bytes that are wrong on purpose.
/// </summary>
[Trait("Layer", "DemoApp")]
public sealed class TrecDownloadTests : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>A one-folder HTTP server on a free local port: path → (status, body, declared length).</summary>
    private sealed class LocalServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Dictionary<string, (int Status, byte[] Body, long? Length)> _files = [];
        private readonly Task _loop;

        public LocalServer()
        {
            int port = FreePort();
            Address = $"http://127.0.0.1:{port}/trec/";
            _listener.Prefixes.Add(Address);
            _listener.Start();
            _loop = Task.Run(Serve);
        }

        public string Address { get; }

        public int Requests { get; private set; }

        public void Add(string name, byte[] body, int status = 200, long? declaredLength = null) => _files[name] = (status, body, declaredLength);

        private async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                Requests++;
                string name = context.Request.Url!.Segments[^1];
                var response = context.Response;
                try
                {
                    if (!_files.TryGetValue(name, out var file))
                    {
                        response.StatusCode = 404;
                        response.Close();
                        continue;
                    }
                    response.StatusCode = file.Status;
                    response.ContentLength64 = file.Length ?? file.Body.Length;
                    await response.OutputStream.WriteAsync(file.Body.AsMemory(0, (int)Math.Min(file.Body.Length, response.ContentLength64)));
                    // A body shorter than its declared length: drop the connection, as a broken network would.
                    if (file.Length > file.Body.Length)
                    {
                        await response.OutputStream.FlushAsync();
                        response.Abort();
                        continue;
                    }
                    response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or IOException or InvalidOperationException)
                {
                    response.Abort();
                }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static RemoteFile FileOf(string address, string name, byte[] bytes) =>
        new(name, new Uri(new Uri(address), name), bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));

    private static byte[] SomeBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string Fetch(RemoteFile file)
    {
        string target = _scratch.PathOf(Path.Combine("cache", file.Name));
        using var client = new HttpClient();
        VerifiedDownload.Fetch(client, file, target, TimeSpan.FromSeconds(30));
        return target;
    }

    // Nothing but the target (or nothing at all) is left in the folder: no temporary file survives a refusal.
    private void AssertNoLeftovers(string? target)
    {
        string folder = _scratch.PathOf("cache");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder).Select(Path.GetFileName).ToArray() : [];
        Assert.Equal(target is null ? [] : [Path.GetFileName(target)], files);
    }

    [Fact]
    public void Fetch_TheExactBytes_LandsVerified()
    {
        using var server = new LocalServer();
        byte[] body = SomeBytes(200_000, 1);
        server.Add("a.label", body);
        string target = Fetch(FileOf(server.Address, "a.label", body));
        Assert.Equal(body, File.ReadAllBytes(target));
        AssertNoLeftovers(target);
    }

    [Fact]
    public void Fetch_WrongBytes_IsRefused_AndAnOldCopyIsKept()
    {
        using var server = new LocalServer();
        byte[] published = SomeBytes(50_000, 2), served = (byte[])published.Clone();
        served[12_345] ^= 1;
        server.Add("a.label", served);
        string target = _scratch.PathOf(Path.Combine("cache", "a.label"));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "the previous copy");

        var e = Assert.Throws<IOException>(() => Fetch(FileOf(server.Address, "a.label", published)));

        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Equal("the previous copy", File.ReadAllText(target));
        AssertNoLeftovers(target);
    }

    [Fact]
    public void Fetch_ATruncatedBody_IsRefused()
    {
        using var server = new LocalServer();
        byte[] body = SomeBytes(80_000, 3);
        server.Add("short.label", body[..60_000]);
        var e = Assert.Throws<IOException>(() => Fetch(FileOf(server.Address, "short.label", body)));
        Assert.Contains("sent 60,000 of the 80,000 bytes", e.Message, StringComparison.Ordinal);
        AssertNoLeftovers(null);
    }

    [Fact]
    public void Fetch_AConnectionThatBreaksMidBody_IsRefused()
    {
        using var server = new LocalServer();
        byte[] body = SomeBytes(80_000, 4);
        server.Add("cut.label", body[..30_000], declaredLength: body.Length); // promises 80,000 bytes, sends 30,000
        var e = Assert.Throws<IOException>(() => Fetch(FileOf(server.Address, "cut.label", body)));
        Assert.Contains("cut.label", e.Message, StringComparison.Ordinal);
        AssertNoLeftovers(null);
    }

    [Fact]
    public void Fetch_ALargerBody_IsRefused()
    {
        using var server = new LocalServer();
        byte[] body = SomeBytes(10_000, 5);
        server.Add("long.label", [.. body, .. body]);
        var e = Assert.Throws<IOException>(() => Fetch(FileOf(server.Address, "long.label", body)));
        Assert.Contains("sent more than the 10,000 bytes", e.Message, StringComparison.Ordinal);
        AssertNoLeftovers(null);
    }

    [Fact]
    public void Fetch_NotFound_SaysTheStatus()
    {
        using var server = new LocalServer();
        var e = Assert.Throws<IOException>(() => Fetch(FileOf(server.Address, "missing.label", [1, 2, 3])));
        Assert.Contains("answered HTTP 404", e.Message, StringComparison.Ordinal);
        AssertNoLeftovers(null);
    }

    [Fact]
    public void Fetch_NoServer_SaysItCouldNotReachTheHost()
    {
        string address = $"http://127.0.0.1:{FreePort()}/trec/"; // nothing listens there: as offline as a test gets
        var e = Assert.Throws<IOException>(() => Fetch(FileOf(address, "a.label", [1, 2, 3])));
        Assert.StartsWith("could not reach 127.0.0.1", e.Message, StringComparison.Ordinal);
        AssertNoLeftovers(null);
    }

    [Fact]
    public void Cache_IsWhereEachSystemKeepsAUsersCaches()
    {
        static string? None(string _) => null;
        Assert.Equal(Path.Combine("/home/u", ".cache", "autoencoders-demo"),
            UserCache.Resolve(None, UserCache.Platform.Linux, "/home/u", "/home/u/.local/share"));
        Assert.Equal(Path.Combine("/xdg", "autoencoders-demo"),
            UserCache.Resolve(v => v == "XDG_CACHE_HOME" ? "/xdg" : null, UserCache.Platform.Linux, "/home/u", ""));
        Assert.Equal(Path.Combine("/home/u", ".cache", "autoencoders-demo"), // a relative XDG_CACHE_HOME is invalid
            UserCache.Resolve(v => v == "XDG_CACHE_HOME" ? "rel" : null, UserCache.Platform.Linux, "/home/u", ""));
        Assert.Equal(Path.Combine("/Users/u", "Library", "Caches", "autoencoders-demo"),
            UserCache.Resolve(None, UserCache.Platform.MacOS, "/Users/u", ""));
        Assert.Equal(Path.Combine("C:/Users/u/AppData/Local", "autoencoders-demo", "cache"),
            UserCache.Resolve(None, UserCache.Platform.Windows, "C:/Users/u", "C:/Users/u/AppData/Local"));
        Assert.Equal("/elsewhere", UserCache.Resolve(v => v == UserCache.Variable ? "/elsewhere" : null, UserCache.Platform.Linux, "/home/u", ""));
    }

    [Fact]
    public void PublishedSizesAndHashes_AreThoseOfTheSharedCopy()
    {
        string folder = Repository.SharedData("trec");
        foreach (var file in TrecData.Files(TrecData.DefaultAddress))
        {
            Assert.True(VerifiedDownload.Matches(Path.Combine(folder, file.Name), file), $"{file.Name}: size or SHA-256 differs from the shared copy");
            Assert.Equal(new Uri(TrecData.DefaultAddress + file.Name), file.Address);
        }
        string readme = File.ReadAllText(Path.Combine(folder, "..", "README.md"));
        foreach (var file in TrecData.Files(TrecData.DefaultAddress)) Assert.Contains(file.Sha256, readme, StringComparison.Ordinal);
    }

    // The demo itself (a child process) with its cache in the scratch folder and TREC's address on the local server.
    private (int Exit, string Output, string Error) Demo(LocalServer? server, string address, params string[] args) =>
        DemoProcess.Run(_scratch.Path, new Dictionary<string, string>
        {
            [UserCache.Variable] = _scratch.PathOf("user-cache"),
            [TrecData.AddressVariable] = server?.Address ?? address,
        }, 180, args);

    private string CachedFolder => Path.Combine(_scratch.PathOf("user-cache"), "trec");

    [Fact]
    public void Word2Vec_FirstUse_DownloadsVerifiesAndCaches_ThenReadsTheCache()
    {
        string shared = Repository.SharedData("trec");
        using var server = new LocalServer();
        foreach (string name in new[] { TrecData.TrainFile, TrecData.TestFile })
            server.Add(name, File.ReadAllBytes(Path.Combine(shared, name)));

        var first = Demo(server, "", "word2vec", "--epochs", "1", "--out", "w1", "--json", "w1.json");

        Assert.True(first.Exit == 0, first.Error + first.Output);
        Assert.Contains("SHA-256 verified", first.Output, StringComparison.Ordinal);
        var json = JsonDocument.Parse(File.ReadAllText(_scratch.PathOf("w1.json"))).RootElement;
        Assert.False(json.GetProperty("synthetic_corpus").GetBoolean());
        Assert.StartsWith("TREC question classification (Li and Roth 2002), 5,452 training questions", json.GetProperty("corpus_description").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, server.Requests);

        var second = Demo(server, "", "word2vec", "--epochs", "1", "--out", "w2");
        Assert.True(second.Exit == 0, second.Error + second.Output);
        Assert.Equal(2, server.Requests); // read from the cache, not downloaded again
        Assert.Contains("from the download cache", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_Offline_FailsWithAClearMessage_AndCachesNothing()
    {
        var run = Demo(null, $"http://127.0.0.1:{FreePort()}/trec/", "text", "--epochs", "1", "--out", "t");

        Assert.Equal(1, run.Exit);
        Assert.StartsWith("error: TREC could not be downloaded: could not reach 127.0.0.1", run.Error, StringComparison.Ordinal);
        Assert.Contains("pass --data FOLDER", run.Error, StringComparison.Ordinal);
        Assert.Contains("--quick runs on the bundled synthetic corpus", run.Error, StringComparison.Ordinal);
        Assert.True(!Directory.Exists(CachedFolder) || Directory.GetFiles(CachedFolder).Length == 0, "a failed download left files in the cache");
    }

    [Fact]
    public void Word2Vec_WrongBytesOnTheServer_AreRefused_AndNotCached()
    {
        using var server = new LocalServer();
        server.Add(TrecData.TrainFile, SomeBytes(335_830, 6));
        server.Add(TrecData.TestFile, SomeBytes(23_354, 7));

        var run = Demo(server, "", "word2vec", "--epochs", "1", "--out", "w");

        Assert.Equal(1, run.Exit);
        Assert.Contains("the SHA-256 of the download is", run.Error, StringComparison.Ordinal);
        Assert.True(!Directory.Exists(CachedFolder) || Directory.GetFiles(CachedFolder).Length == 0);
    }

    [Fact]
    public void Word2Vec_Quick_SaysEverywhereThatTheCorpusIsSynthetic()
    {
        string json = _scratch.PathOf("q.json");
        int exit = global::Demo.DemoCli.Run(["word2vec", "--quick", "--out", _scratch.PathOf("q"), "--json", json], new StringWriter(), new StringWriter(), TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        var root = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.True(root.GetProperty("synthetic_corpus").GetBoolean());
        Assert.StartsWith("SYNTHETIC TREC-like questions", root.GetProperty("corpus_description").GetString(), StringComparison.Ordinal);
        string report = File.ReadAllText(_scratch.PathOf(Path.Combine("q", "report.html")));
        Assert.Contains("<h2>Word2Vec on SYNTHETIC questions (not TREC)</h2>", report, StringComparison.Ordinal);
        Assert.DoesNotContain("on TREC questions", report, StringComparison.Ordinal);
    }
}
