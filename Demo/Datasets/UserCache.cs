namespace Demo.Datasets;

/// <summary>
/// Where the demo keeps data it downloads, in the place each system keeps a user's caches:
/// <c>$XDG_CACHE_HOME/autoencoders-demo</c> (else <c>~/.cache/autoencoders-demo</c>) on Linux,
/// <c>~/Library/Caches/autoencoders-demo</c> on macOS, <c>%LOCALAPPDATA%\autoencoders-demo\cache</c> on Windows.
/// The environment variable <see cref="Variable"/> names another folder (tests use it; so can a user).
/// </summary>
internal static class UserCache
{
    public const string Variable = "AUTOENCODERS_DEMO_CACHE";

    private const string Name = "autoencoders-demo";

    /// <summary>The system a cache folder is chosen for.</summary>
    internal enum Platform { Linux, MacOS, Windows }

    /// <summary>The cache folder of this process (not created here).</summary>
    public static string Directory => Resolve(Environment.GetEnvironmentVariable,
        OperatingSystem.IsWindows() ? Platform.Windows : OperatingSystem.IsMacOS() ? Platform.MacOS : Platform.Linux,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData));

    /// <summary>The cache folder for the given environment, system, home and local application-data folders.</summary>
    internal static string Resolve(Func<string, string?> environment, Platform platform, string home, string localApplicationData)
    {
        if (environment(Variable) is { Length: > 0 } explicitFolder) return explicitFolder;
        if (platform == Platform.Windows) return Path.Combine(localApplicationData, Name, "cache");
        if (platform == Platform.MacOS) return Path.Combine(home, "Library", "Caches", Name);
        string? xdg = environment("XDG_CACHE_HOME");
        // The XDG Base Directory spec: a relative XDG_CACHE_HOME is invalid and is ignored.
        return Path.Combine(xdg is { Length: > 0 } && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".cache"), Name);
    }
}
