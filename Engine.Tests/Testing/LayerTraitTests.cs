using System.Reflection;

namespace Engine.Tests.Testing;

/// <summary>
/// Every test class says which part of the engine it proves with <c>[Trait("Layer", X)]</c>, and X is the folder (and
/// namespace) the class sits in, which mirrors the folder of Engine/ it tests: `dotnet test --filter Layer=Autodiff`
/// runs exactly the tests of Engine/Autodiff, and CI's ISA matrix and arm64 run select the kernel and autodiff tests
/// this way. Tests in the root folder (the README's example) are Layer=Readme.
/// </summary>
[Trait("Layer", "Testing")]
public sealed class LayerTraitTests
{
    [Fact]
    public void EveryTestClass_HasTheLayerTraitOfItsFolder()
    {
        var testClasses = typeof(LayerTraitTests).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public)
                .Any(m => m.GetCustomAttributes().Any(a => a is FactAttribute || a.GetType().Name == "PropertyAttribute")))
            .ToList();
        Assert.True(testClasses.Count > 100, $"found only {testClasses.Count} test classes");
        var problems = new List<string>();
        foreach (var type in testClasses)
        {
            string ns = type.Namespace ?? "";
            string expected = ns == "Engine.Tests" ? "Readme" : ns.StartsWith("Engine.Tests.", StringComparison.Ordinal) ? ns["Engine.Tests.".Length..].Split('.')[0] : "?";
            var layers = type.GetCustomAttributes<TraitAttribute>(inherit: true).Where(t => t.Name == "Layer").Select(t => t.Value).ToList();
            if (layers.Count != 1 || layers[0] != expected)
                problems.Add($"{type.FullName}: Layer trait {(layers.Count == 0 ? "missing" : string.Join(", ", layers))}, expected {expected}");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}
