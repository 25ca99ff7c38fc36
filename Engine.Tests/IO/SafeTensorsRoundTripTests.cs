using Engine.IO;
using FsCheck;
using Engine.Tests.Testing;
using FsCheck.Xunit;

namespace Engine.Tests.IO;

/// <summary>Write then read gives back the same names, dtypes, shapes, bits and metadata.</summary>
[Trait("Layer", "IO")]
public sealed class SafeTensorsRoundTripTests
{
    [Property(MaxTest = 100)]
    public void RoundTrip_RandomTensors_IsBitExact(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        int count = random.Next(0, 5);
        var tensors = new List<SafeTensor>();
        for (int t = 0; t < count; t++)
        {
            int[] shape = Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(0, 6)).ToArray();
            int elements = shape.Aggregate(1, (a, b) => a * b);
            string name = $"t{random.Next(1000)}.{t}";
            switch (random.Next(4))
            {
                case 0:
                    tensors.Add(new SafeTensor(name, shape,
                        Enumerable.Range(0, elements).Select(_ => BitConverter.Int32BitsToSingle(random.Next())).ToArray()));
                    break;
                case 1:
                    tensors.Add(new SafeTensor(name, shape,
                        Enumerable.Range(0, elements).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64())).ToArray()));
                    break;
                case 2:
                    // Values representable in half precision round-trip exactly.
                    tensors.Add(new SafeTensor(name, shape,
                        Enumerable.Range(0, elements).Select(_ => (float)(Half)(random.NextSingle() * 100 - 50)).ToArray(),
                        SafeTensorDType.F16));
                    break;
                default:
                    tensors.Add(new SafeTensor(name, shape,
                        Enumerable.Range(0, elements).Select(_ => BitConverter.Int32BitsToSingle(random.Next() & ~0xFFFF)).ToArray(),
                        SafeTensorDType.BF16));
                    break;
            }
        }
        var metadata = random.Next(2) == 0 ? null : new Dictionary<string, string> { ["seed"] = seed.Get.ToString(), ["é"] = "ü\n\"" };

        var file = SafeTensors.Read(new MemoryStream(SafeTensors.Serialize(tensors, metadata)), "<memory>");

        Assert.Equal(metadata ?? new Dictionary<string, string>(), file.Metadata);
        Assert.Equal(tensors.Count, file.Tensors.Count);
        foreach (var want in tensors)
        {
            var got = file[want.Name];
            Assert.Equal(want.DType, got.DType);
            Assert.Equal(want.Shape, got.Shape);
            if (want.Doubles is not null)
                Assert.Equal(want.Doubles.Select(BitConverter.DoubleToInt64Bits), got.Doubles!.Select(BitConverter.DoubleToInt64Bits));
            else
                TensorAssert.BitwiseEqual(want.Floats, got.Floats, want.Name);
        }
    }

    [Fact]
    public void Write_ToPath_ReplacesAtomicallyAndLeavesNoTemporaryFile()
    {
        string directory = Directory.CreateTempSubdirectory("engine-io-").FullName;
        try
        {
            string path = Path.Combine(directory, "model.safetensors");
            File.WriteAllText(path, "old content");
            SafeTensors.Write(path, [new SafeTensor("x", [2], [1f, 2f])]);

            Assert.Equal([1f, 2f], SafeTensors.Read(path)["x"].ToFloatArray());
            Assert.Equal(["model.safetensors"], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AtomicFile_WriterThrows_KeepsOldFileAndRemovesTemporary()
    {
        string directory = Directory.CreateTempSubdirectory("engine-io-").FullName;
        try
        {
            string path = Path.Combine(directory, "keep.bin");
            File.WriteAllText(path, "old");
            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write("half-written"u8);
                throw new InvalidOperationException("crash in the middle");
            }));
            Assert.Equal("old", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Write_BadArguments_ThrowArgumentException()
    {
        var a = new SafeTensor("a", [1], [1f]);
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([a, new SafeTensor("a", [1], [2.0])]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("b", [2, 2], new float[3]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("b", [-1], new float[0]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("__metadata__", [1], new float[1]));
        Assert.Throws<ArgumentException>(() => new SafeTensor("b", [1], new float[1], SafeTensorDType.F64));
    }

    [Fact]
    public void Write_Order_IsDTypeAlignmentThenName()
    {
        var file = SafeTensors.Read(new MemoryStream(SafeTensors.Serialize(
        [
            new SafeTensor("b32", [1], [1f]), new SafeTensor("a16", [1], [1f], SafeTensorDType.F16),
            new SafeTensor("z64", [1], [1.0]), new SafeTensor("a32", [1], [1f]),
        ])), "<memory>");
        Assert.Equal(["z64", "a32", "b32", "a16"], file.Tensors.Select(t => t.Name));
    }
}
