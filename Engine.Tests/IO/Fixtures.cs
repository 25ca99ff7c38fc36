using System.Globalization;
using System.Text.Json;
using Engine.IO;

namespace Engine.Tests.IO;

/// <summary>Locates the committed fixtures and decodes safetensors_expected.json (written by the Python script).</summary>
internal static class Fixtures
{
    internal static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    internal static string PathOf(string name) => Path.Combine(Directory, name);

    internal static readonly string[] SafeTensorFiles =
        ["st_f32.safetensors", "st_f64.safetensors", "st_mixed.safetensors"];

    /// <summary>One expected tensor: raw bits as stored, plus for F16/BF16 the float32 widening and source.</summary>
    internal sealed record ExpectedTensor(string Name, string DType, int[] Shape, ulong[] Bits, uint[]? F32Bits,
        uint[]? SourceF32Bits);

    internal sealed record ExpectedFile(Dictionary<string, string>? Metadata, ExpectedTensor[] Tensors);

    internal static ExpectedFile Expected(string fixture)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(PathOf("safetensors_expected.json")));
        var entry = document.RootElement.GetProperty(fixture);
        Dictionary<string, string>? metadata = null;
        if (entry.GetProperty("metadata").ValueKind == JsonValueKind.Object)
            metadata = entry.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var tensors = entry.GetProperty("tensors").EnumerateArray().Select(t => new ExpectedTensor(
            t.GetProperty("name").GetString()!,
            t.GetProperty("dtype").GetString()!,
            t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
            Hex(t.GetProperty("bits")).ToArray(),
            t.TryGetProperty("f32bits", out var widened) ? Hex(widened).Select(b => (uint)b).ToArray() : null,
            t.TryGetProperty("source_f32bits", out var source) ? Hex(source).Select(b => (uint)b).ToArray() : null))
            .ToArray();
        return new ExpectedFile(metadata, tensors);
    }

    /// <summary>The tensor the C# side would build for an expected entry (F16/BF16 from their exact widenings).</summary>
    internal static SafeTensor ToSafeTensor(ExpectedTensor t) => t.DType switch
    {
        "F64" => new SafeTensor(t.Name, t.Shape, t.Bits.Select(b => BitConverter.UInt64BitsToDouble(b)).ToArray()),
        "F32" => new SafeTensor(t.Name, t.Shape, t.Bits.Select(b => BitConverter.UInt32BitsToSingle((uint)b)).ToArray()),
        "F16" => new SafeTensor(t.Name, t.Shape, t.F32Bits!.Select(BitConverter.UInt32BitsToSingle).ToArray(),
            SafeTensorDType.F16),
        _ => new SafeTensor(t.Name, t.Shape, t.F32Bits!.Select(BitConverter.UInt32BitsToSingle).ToArray(),
            SafeTensorDType.BF16),
    };

    private static IEnumerable<ulong> Hex(JsonElement array) =>
        array.EnumerateArray().Select(h => ulong.Parse(h.GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
}
