using System.Diagnostics;

namespace Engine.Tests.DemoApp;

/// <summary>The Demo as a user runs it: `dotnet Demo.dll ARGS` as a child process in a working folder of the test's choosing.</summary>
internal static class DemoProcess
{
    // The test runs from Engine.Tests/bin/{Configuration}/{tfm}/; the Demo builds to Demo/bin/{Configuration}/{tfm}/.
    public static string Dll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(testBin.Parent!.Parent!.Parent!.Parent!.FullName, "Demo", "bin",
            testBin.Parent.Name, testBin.Name, "Demo.dll");
        Assert.True(File.Exists(dll), $"{dll} not found");
        return dll;
    }

    /// <summary>Starts the Demo with its output redirected; <paramref name="environment"/> adds variables.</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll());
        foreach (string a in args) start.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs the Demo to its end (at most <paramref name="timeoutSeconds"/>); returns the exit code and both outputs.</summary>
    public static (int Exit, string Output, string Error) Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        int timeoutSeconds, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"Demo {string.Join(' ', args)} did not finish within {timeoutSeconds} s:\n{output}");
        }
        return (process.ExitCode, output, error.GetAwaiter().GetResult());
    }
}
