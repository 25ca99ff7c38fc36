using System.Text.RegularExpressions;
using Engine.Tests.Testing;

namespace Engine.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, checked on the sources: every namespace of Engine/ may use only the
/// namespaces its row of <see cref="Allowed"/> lists, so a new back-edge (a format reaching up into the models, a
/// kernel reaching into tensors) fails here with the file that adds it.
/// </summary>
[Trait("Layer", "Architecture")]
public sealed partial class LayeringTests
{
    /// <summary>
    /// The dependency table of docs/architecture.md, bottom layer first: each namespace and what it may use. A nested
    /// namespace sees its parent without a <c>using</c>, which the checker cannot see, so the parent is listed too.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Engine.Kernels"] = [],
        ["Engine.IO"] = [],
        ["Engine.Tensors"] = ["Engine.Kernels"],
        ["Engine.Autodiff"] = ["Engine.Tensors", "Engine.Kernels"],
        ["Engine.Autodiff.Ops"] = ["Engine.Autodiff", "Engine.Tensors", "Engine.Kernels"],
        ["Engine.Layers"] = ["Engine.Autodiff", "Engine.Autodiff.Ops", "Engine.Tensors", "Engine.Kernels"],
        ["Engine.Optim"] = ["Engine.Tensors", "Engine.Kernels"],
        ["Engine.Data"] = ["Engine.Data.Tables", "Engine.Tensors", "Engine.Kernels", "Engine.IO"],
        ["Engine.Data.Tables"] = ["Engine.Data", "Engine.Tensors", "Engine.Kernels", "Engine.IO"],
        ["Engine.Text"] = ["Engine.Data", "Engine.Tensors", "Engine.Kernels", "Engine.IO"],
        ["Engine.Models"] =
        [
            "Engine.Layers", "Engine.Autodiff", "Engine.Autodiff.Ops", "Engine.Tensors", "Engine.Kernels",
            "Engine.Text", "Engine.Data",
        ],
        ["Engine.Persistence"] = ["Engine.Models", "Engine.Layers", "Engine.Tensors", "Engine.Kernels", "Engine.Text", "Engine.IO"],
        ["Engine.Persistence.Onnx"] =
            ["Engine.Persistence", "Engine.Models", "Engine.Layers", "Engine.Tensors", "Engine.Kernels", "Engine.IO"],
        ["Engine.Training"] =
        [
            "Engine.Persistence", "Engine.Models", "Engine.Optim", "Engine.Layers", "Engine.Autodiff",
            "Engine.Autodiff.Ops", "Engine.Tensors", "Engine.Kernels", "Engine.Text", "Engine.Data", "Engine.IO",
        ],
        ["Engine.Analysis"] =
        [
            "Engine.Training", "Engine.Models", "Engine.Optim", "Engine.Layers", "Engine.Autodiff",
            "Engine.Autodiff.Ops", "Engine.Tensors", "Engine.Kernels", "Engine.Data",
        ],
        ["Engine.Anomaly"] =
        [
            "Engine.Analysis", "Engine.Training", "Engine.Models", "Engine.Optim", "Engine.Layers", "Engine.Autodiff",
            "Engine.Tensors", "Engine.Kernels", "Engine.Data", "Engine.Data.Tables",
        ],
        ["Engine.Latent"] =
        [
            "Engine.Analysis", "Engine.Models", "Engine.Autodiff", "Engine.Tensors", "Engine.Data", "Engine.IO",
        ],
    };

    /// <summary>The edges that go against the table on purpose, each with its reason.</summary>
    internal static readonly (string From, string To, string Reason)[] Exceptions =
    [
        ("Engine.Tensors", "Engine.Autodiff",
            "a tensor holds the node that made it (Tensor.GradFn): tensors and autodiff are one layer in two folders"),
        ("Engine.Tensors", "Engine.Autodiff.Ops",
            "Tensor's operators (a + b, a * 2) are shorthands for Op.Add, Op.Mul (Tensor.Math.cs)"),
    ];

    [Fact]
    public void EngineNamespaces_UseOnlyTheLayersBelowThem()
    {
        var sources = Directory.EnumerateFiles(Repository.File("Engine"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path))
            .Select(path => (Path.GetRelativePath(Repository.Root, path).Replace('\\', '/'), File.ReadAllText(path)))
            .ToList();
        Assert.NotEmpty(sources);
        var dependencies = Dependencies(sources);

        var unlisted = dependencies.Select(d => d.From).Distinct().Where(ns => !Allowed.ContainsKey(ns)).ToList();
        var violations = Violations(dependencies);
        Assert.True(unlisted.Count == 0 && violations.Count == 0,
            (unlisted.Count > 0 ? $"namespaces missing from LayeringTests.Allowed: {string.Join(", ", unlisted)}\n" : "") +
            string.Join("\n", violations) +
            "\nHINT: move the code to the layer it belongs to, or change the table here and in docs/architecture.md together.");
    }

    [Fact]
    public void Checker_ReportsABackEdge()
    {
        // A kernel (bottom layer) that reaches up into the models, once by a using and once by a qualified name.
        (string, string)[] sources =
        [
            ("Engine/Models/Toy.cs", "namespace Engine.Models;\npublic sealed class Toy;\n"),
            ("Engine/Kernels/Bad.cs",
                "using Engine.Models;\n\nnamespace Engine.Kernels;\n\n// Engine.Tensors in a comment does not count.\n" +
                "internal static class Bad\n{\n    private const string Text = \"Engine.Optim.Adam\";\n" +
                "    public static object Make() => new Engine.Models.Toy();\n}\n"),
            ("Engine/Kernels/Relative.cs", "namespace Engine.Kernels;\n/// <see cref=\"Models.Toy\"/>\ninternal static class Relative;\n"),
        ];
        var dependencies = Dependencies(sources);
        var violations = Violations(dependencies);

        Assert.Equal(["Engine/Kernels/Bad.cs", "Engine/Kernels/Relative.cs"],
            dependencies.Where(d => d.From == "Engine.Kernels").Select(d => d.File).Order().ToArray());
        Assert.All(dependencies, d => Assert.Equal("Engine.Models", d.To));
        Assert.Equal(2, violations.Count);
        Assert.Contains("Engine/Kernels/Bad.cs: Engine.Kernels -> Engine.Models", violations[0]);
    }

    [Fact]
    public void AllowedTable_IsAcyclic_AndNamesOnlyListedNamespaces()
    {
        foreach (var (from, targets) in Allowed)
            Assert.All(targets, to => Assert.True(Allowed.ContainsKey(to), $"{from} -> {to}: {to} has no row"));
        // A namespace may use its parent (it sees it anyway), and Data and Data.Tables are one folder: those pairs
        // are the only two-way rows.
        static bool Nested(string a, string b) => a.StartsWith(b + ".", StringComparison.Ordinal) ||
                                                  b.StartsWith(a + ".", StringComparison.Ordinal);
        var edges = Allowed.SelectMany(p => p.Value.Select(to => (From: p.Key, To: to)))
            .Where(e => !Nested(e.From, e.To)).ToList();
        var state = new Dictionary<string, int>();
        bool Cyclic(string node)
        {
            if (state.TryGetValue(node, out int s)) return s == 1;
            state[node] = 1;
            bool found = edges.Where(e => e.From == node).Any(e => Cyclic(e.To));
            state[node] = 2;
            return found;
        }
        Assert.DoesNotContain(Allowed.Keys, Cyclic);
    }

    /// <summary>One namespace using another: the file that does it, and how.</summary>
    internal sealed record Dependency(string File, string From, string To);

    /// <summary>The edges that neither the table nor the exceptions allow, one line each.</summary>
    internal static List<string> Violations(IEnumerable<Dependency> dependencies) =>
        dependencies
            .Where(d => Allowed.TryGetValue(d.From, out var allowed) && !allowed.Contains(d.To) &&
                        !Exceptions.Any(e => e.From == d.From && e.To == d.To))
            .Select(d => $"{d.File}: {d.From} -> {d.To} is not in the table")
            .ToList();

    /// <summary>
    /// Every cross-namespace use in <paramref name="sources"/> (path, text): <c>using Engine.X</c> directives, fully
    /// qualified <c>Engine.X.Y</c> names, and names qualified from inside Engine (<c>IO.AtomicFile</c>,
    /// <c>Layers.Module</c>) when <c>Y</c> is a type declared in <c>Engine.X</c>. Doc comments count through their
    /// <c>cref</c>s only; other comments and string literals do not count.
    /// </summary>
    internal static List<Dependency> Dependencies(IReadOnlyList<(string Path, string Text)> sources)
    {
        var files = sources.Select(s => (s.Path, Namespace: NamespaceOf(s.Text), Code: CodeOf(s.Text)))
            .Where(f => f.Namespace is not null).ToList();
        var namespaces = files.Select(f => f.Namespace!).ToHashSet(StringComparer.Ordinal);
        var types = files.SelectMany(f => TypeDeclaration().Matches(f.Code).Select(m => (f.Namespace!, m.Groups[1].Value)))
            .ToHashSet();

        // The longest declared namespace that a dotted name starts with, if any.
        string? Resolve(string name)
        {
            for (string candidate = name; ; candidate = candidate[..candidate.LastIndexOf('.')])
            {
                if (namespaces.Contains(candidate)) return candidate;
                if (!candidate.Contains('.')) return null;
            }
        }

        var found = new List<Dependency>();
        foreach (var (path, ns, code) in files)
        {
            var targets = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in UsingDirective().Matches(code)) targets.Add(m.Groups[1].Value);
            foreach (Match m in QualifiedName().Matches(code)) targets.Add(m.Groups[1].Value);
            foreach (Match m in RelativeName().Matches(code))
            {
                // Inside namespace Engine.*, "IO.AtomicFile" means Engine.IO.AtomicFile; "Data.Length" (a property
                // named Data) is not a name of a type in Engine.Data, so it is skipped.
                string full = "Engine." + m.Groups[1].Value;
                if (Resolve(full) is string target && types.Contains((target, full[(target.Length + 1)..].Split('.')[0])))
                    targets.Add(full);
            }
            foreach (string target in targets)
            {
                if (Resolve(target) is string to && to != ns)
                    found.Add(new Dependency(path, ns!, to));
            }
        }
        return found.Distinct().ToList();
    }

    private static string? NamespaceOf(string text) => NamespaceDeclaration().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    // The text that can name a namespace: code without string literals and comments, plus the crefs of doc comments.
    private static string CodeOf(string text)
    {
        text = BlockComment().Replace(text, " ");
        var lines = text.Split('\n').Select(line =>
        {
            if (line.TrimStart().StartsWith("///", StringComparison.Ordinal))
                return string.Join(" ", Cref().Matches(line).Select(m => m.Groups[1].Value));
            line = CharLiteral().Replace(line, "' '");
            line = StringLiteral().Replace(line, "\"\"");
            int comment = line.IndexOf("//", StringComparison.Ordinal);
            return comment >= 0 ? line[..comment] : line;
        });
        return string.Join("\n", lines);
    }

    private static bool IsBuildOutput(string path) =>
        path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) is var parts &&
        (parts.Contains("bin") || parts.Contains("obj"));

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?(Engine(?:\.\w+)*)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?(Engine(?:\.\w+)+)")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"(?<![\w.:])((?:Analysis|Anomaly|Autodiff|Data|IO|Kernels|Latent|Layers|Models|Optim|Persistence|Tensors|Text|Training)(?:\.\w+)+)")]
    private static partial Regex RelativeName();

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record(?:\s+(?:class|struct))?|delegate\s+\S+)\s+(\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"cref=""([^""]*)""")]
    private static partial Regex Cref();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"'(?:[^'\\]|\\.)'")]
    private static partial Regex CharLiteral();

    [GeneratedRegex(@"@?\$*""(?:[^""\\]|\\.|"""")*""")]
    private static partial Regex StringLiteral();
}
