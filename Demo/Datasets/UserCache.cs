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

    /// <summary>The cache folder (not created here).</summary>
    public static string Directory
    {
        get
        {
            if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } explicitFolder) return explicitFolder;
            if (OperatingSystem.IsWindows())
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), Name, "cache");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Caches", Name);
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            // The XDG spec: a relative XDG_CACHE_HOME is invalid and is ignored.
            return Path.Combine(xdg is { Length: > 0 } && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".cache"), Name);
        }
    }
}
