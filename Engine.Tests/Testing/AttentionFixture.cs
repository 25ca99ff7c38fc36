using System.Text.Json;
using Engine.Tensors;

namespace Engine.Tests.Testing;

/// <summary>
/// Reads Fixtures/attention_fixture.json, written by Fixtures/make_attention_fixture.py with PyTorch 1.13: per case,
/// named tensors as {"shape": [...], "data": [...]} (float32 values printed with 9 significant digits, so they
/// parse back exactly).
/// </summary>
internal sealed class AttentionFixture
{
    private readonly JsonElement _root;

    private AttentionFixture(JsonElement root) => _root = root;

    public static AttentionFixture Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "attention_fixture.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return new AttentionFixture(document.RootElement.Clone());
    }

    /// <summary>The tensor at case.name (or case.group.name when <paramref name="group"/> is given).</summary>
    public Tensor Tensor(string testCase, string name, string? group = null)
    {
        var element = _root.GetProperty(testCase);
        if (group is not null) element = element.GetProperty(group);
        return Parse(element.GetProperty(name));
    }

    /// <summary>Every tensor of case.group, by name (a state dict).</summary>
    public IReadOnlyDictionary<string, Tensor> Group(string testCase, string group) =>
        _root.GetProperty(testCase).GetProperty(group).EnumerateObject().ToDictionary(p => p.Name, p => Parse(p.Value));

    private static Tensor Parse(JsonElement element)
    {
        var shape = element.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        var data = element.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        return Engine.Tensors.Tensor.FromArray(data, shape);
    }

    /// <summary>Copies every state-dict entry into the module's parameter or buffer of the same name.</summary>
    public static void LoadInto(Engine.Layers.Module module, IReadOnlyDictionary<string, Tensor> state)
    {
        var own = module.StateDict().ToDictionary(p => p.Name, p => p.Tensor);
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), own.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, source) in state)
        {
            Assert.True(own[name].Shape == source.Shape, $"{name}: ours {own[name].Shape}, PyTorch {source.Shape}.");
            source.ReadOnlySpan.CopyTo(own[name].Span);
        }
    }
}
