using System.Diagnostics;
using System.Text.RegularExpressions;
using Engine.Tests.Testing;

namespace Engine.Tests.Bench;

/// <summary>
/// Every peer (the PyTorch, numpy, scikit-learn and gensim scripts in Engine.Bench/peers) runs in its best
/// configuration: the repository's peer-env sets the allocator and OpenMP settings, and each script re-runs itself
/// through it before it imports any library, so a ratio never compares our best with their worst.
/// </summary>
[Trait("Layer", "Bench")]
public sealed partial class PeerEnvironmentTests
{
    private static readonly string Peers = Repository.File("Engine.Bench", "peers");

    [Fact]
    public void PeerEnv_SetsTheAllocatorAndOpenMpSettings_AndIsExecutable()
    {
        string script = File.ReadAllText(Path.Combine(Peers, "peer-env"));
        Assert.StartsWith("#!/usr/bin/env bash", script, StringComparison.Ordinal);
        foreach (string setting in new[] { "MALLOC_MMAP_THRESHOLD_=33554432", "MALLOC_TRIM_THRESHOLD_=4294967296", "OMP_WAIT_POLICY=PASSIVE" })
            Assert.Contains(setting, script, StringComparison.Ordinal);
        Assert.Contains("exec \"$@\"", script, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
            Assert.True((File.GetUnixFileMode(Path.Combine(Peers, "peer-env")) & UnixFileMode.UserExecute) != 0, "peer-env is not executable");
    }

    [Fact]
    public void EveryPeerScript_EntersThePeerEnvironment_BeforeImportingALibrary()
    {
        var scripts = Directory.GetFiles(Peers, "*.py").Where(f => Path.GetFileName(f) != "peer_env.py").ToList();
        Assert.NotEmpty(scripts);
        foreach (string script in scripts)
        {
            string text = File.ReadAllText(script);
            int ensure = text.IndexOf("peer_env.ensure()", StringComparison.Ordinal);
            Assert.True(ensure > 0, $"{Path.GetFileName(script)} does not call peer_env.ensure()");
            var library = LibraryImport().Match(text);
            Assert.True(!library.Success || library.Index > ensure,
                $"{Path.GetFileName(script)} imports {library.Value.Trim()} before peer_env.ensure()");
        }
    }

    [Fact]
    public void APeerStartedWithoutPeerEnv_RunsItselfAgainThroughIt()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("peer-env is a bash script");
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        using var scratch = new TempDirectory();
        string probe = scratch.PathOf("probe.py");
        File.WriteAllText(probe, $"import sys, os\nsys.path.insert(0, {Quote(Peers)})\nimport peer_env\npeer_env.ensure()\n"
            + "print(os.environ.get('MALLOC_MMAP_THRESHOLD_'), os.environ.get('MALLOC_TRIM_THRESHOLD_'), os.environ.get('OMP_WAIT_POLICY'))\n");
        var start = new ProcessStartInfo(python, [probe]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string name in new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "OMP_WAIT_POLICY", "ENGINE_PEER_ENV" })
            start.Environment.Remove(name);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("no python3 on this machine");
            return;
        }
        using (process)
        {
            string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, error);
            Assert.Equal("33554432 4294967296 PASSIVE", output.Trim());
        }
    }

    private static string Quote(string path) => "'" + path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^\s*(import|from)\s+(torch|numpy|sklearn|gensim|threadpoolctl)\b", RegexOptions.Multiline)]
    private static partial Regex LibraryImport();
}
