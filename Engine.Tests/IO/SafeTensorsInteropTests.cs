using System.Diagnostics;
using System.Text;
using Engine.IO;

namespace Engine.Tests.IO;

/// <summary>
/// Interop with an independent implementation: fixtures written by Fixtures/make_safetensors_fixtures.py
/// (struct + json, values from PyTorch) are read bit-exactly, our writer reproduces its bytes, and its strict
/// reader accepts our files.
/// </summary>
[Trait("Layer", "IO")]
public sealed class SafeTensorsInteropTests
{
    public static TheoryData<string> FixtureNames() => new(Fixtures.SafeTensorFiles);

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Read_PythonFixture_MatchesExpectedBits(string fixture)
    {
        var expected = Fixtures.Expected(fixture);
        var file = SafeTensors.Read(Fixtures.PathOf(fixture));

        Assert.Equal(expected.Metadata ?? new Dictionary<string, string>(), file.Metadata);
        Assert.Equal(expected.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal),
            file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var want in expected.Tensors)
        {
            var got = file[want.Name];
            Assert.Equal(want.DType, got.DType.ToString());
            Assert.Equal(want.Shape, got.Shape);
            ulong[] gotBits = want.DType switch
            {
                "F64" => got.Doubles!.Select(v => BitConverter.DoubleToUInt64Bits(v)).ToArray(),
                _ => got.Floats!.Select(v => (ulong)BitConverter.SingleToUInt32Bits(v)).ToArray(),
            };
            ulong[] wantBits = want.F32Bits?.Select(b => (ulong)b).ToArray() ?? want.Bits;
            Assert.True(wantBits.SequenceEqual(gotBits), $"{fixture}: tensor '{want.Name}' bits differ.");
        }
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Serialize_SameTensors_IsByteIdenticalToPythonWriter(string fixture)
    {
        var expected = Fixtures.Expected(fixture);
        // Hand the tensors over in reverse order: the writer must sort them itself.
        var tensors = expected.Tensors.Reverse().Select(Fixtures.ToSafeTensor).ToArray();

        byte[] ours = SafeTensors.Serialize(tensors, expected.Metadata);

        byte[] theirs = File.ReadAllBytes(Fixtures.PathOf(fixture));
        Assert.True(theirs.AsSpan().SequenceEqual(ours),
            $"{fixture}: first difference at byte {theirs.AsSpan().CommonPrefixLength(ours)} " +
            $"(ours {ours.Length} bytes, theirs {theirs.Length}).");
    }

    [Fact]
    public void Write_HalfAndBFloat16_RoundLikePyTorch()
    {
        // The mixed fixture stores the float32 values PyTorch started from and the 16-bit values it rounded to.
        foreach (var want in Fixtures.Expected("st_mixed.safetensors").Tensors.Where(t => t.SourceF32Bits is not null))
        {
            var dtype = want.DType == "F16" ? SafeTensorDType.F16 : SafeTensorDType.BF16;
            var source = want.SourceF32Bits!.Select(BitConverter.UInt32BitsToSingle).ToArray();
            byte[] bytes = SafeTensors.Serialize([new SafeTensor(want.Name, want.Shape, source, dtype)]);

            int dataStart = bytes.Length - 2 * want.Bits.Length;
            var stored = Enumerable.Range(0, want.Bits.Length)
                .Select(i => (ulong)BitConverter.ToUInt16(bytes, dataStart + 2 * i)).ToArray();
            // NaN payloads are implementation-defined (PyTorch's scalar path gives 0x7FC0, its AVX-512 path 0xFFFF).
            Assert.Equal(want.Bits.Select(b => CanonicalNaN(b, dtype)), stored.Select(b => CanonicalNaN(b, dtype)));
        }
    }

    private static ulong CanonicalNaN(ulong bits, SafeTensorDType dtype)
    {
        bool isNaN = dtype == SafeTensorDType.F16
            ? (bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0
            : (bits & 0x7F80) == 0x7F80 && (bits & 0x007F) != 0;
        return isNaN ? ulong.MaxValue : bits;
    }

    [Fact]
    public void Serialize_SpecExample_PadsHeaderWithSpaces()
    {
        // The reference implementation's alignment example: a 65-byte header padded with 7 spaces to 72.
        var tensor = new SafeTensor("attn0", [1, 1, 2, 3], [0f, 1f, 2f, 3f, 4f, 5f]);

        byte[] bytes = SafeTensors.Serialize([tensor]);

        const string json = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ";
        Assert.Equal(72UL, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(json, Encoding.UTF8.GetString(bytes, 8, 72));
        Assert.Equal(8 + 72 + 24, bytes.Length);
        Assert.Equal(5f, BitConverter.ToSingle(bytes, 8 + 72 + 20));
    }

    [Fact]
    public void Serialize_NoTensors_MatchesSpecEmptyFile()
    {
        byte[] bytes = SafeTensors.Serialize([]);
        Assert.Equal("\b\0\0\0\0\0\0\0{}      "u8.ToArray(), bytes);
        byte[] withMetadata = SafeTensors.Serialize([], new Dictionary<string, string> { ["framework"] = "pt" });
        Assert.Equal("(\0\0\0\0\0\0\0{\"__metadata__\":{\"framework\":\"pt\"}}     "u8.ToArray(), withMetadata);
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void PythonReader_AcceptsOurFile(string fixture)
    {
        const string python = "/usr/bin/python3";
        // The independent reader needs only the Python standard library, which every supported machine has.
        Assert.True(File.Exists(python), $"{python} is needed for the independent safetensors reader.");
        var expected = Fixtures.Expected(fixture);
        string path = Path.Combine(Path.GetTempPath(), $"engine-io-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Write(path, expected.Tensors.Select(Fixtures.ToSafeTensor).ToArray(), expected.Metadata);
            var start = new ProcessStartInfo(python)
            {
                ArgumentList = { Fixtures.PathOf("make_safetensors_fixtures.py"), "--check", path, fixture },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(30_000), "python --check did not finish in 30 s");
            Assert.True(process.ExitCode == 0, $"python --check {fixture} failed: {output}");
            Assert.Contains("OK", output);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
