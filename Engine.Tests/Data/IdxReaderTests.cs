using Engine.Data;
using Engine.Tests.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Engine.Tests.Data;

[Trait("Layer", "Data")]
public sealed class IdxReaderTests
{
    private static readonly int[] SmallDims = [3, 2, 2];
    private static readonly byte[] SmallData = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];

    private static IdxArray ReadBytes(byte[] bytes, string name = "test.idx") =>
        IdxReader.Read(new MemoryStream(bytes), name);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ValidFile_ReturnsHeaderDimensionsAndData(bool gzip)
    {
        var raw = IdxFixtures.Raw(SmallDims, SmallData);
        var result = ReadBytes(gzip ? IdxFixtures.Gzip(raw) : raw);
        Assert.Equal(SmallDims, result.Dimensions);
        Assert.Equal(SmallData, result.Data);
        Assert.Equal(3, result.Count);
        Assert.Equal(4, result.ItemSize);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_FileAndForwardOnlyStream_GiveTheSameResult(bool gzip)
    {
        var raw = IdxFixtures.Raw([5, 7], IdxFixtures.Sequence(35, Seeds.Default));
        var bytes = gzip ? IdxFixtures.Gzip(raw) : raw;
        string path = Path.Combine(Path.GetTempPath(), $"idx-{Guid.NewGuid():N}.idx");
        File.WriteAllBytes(path, bytes);
        try
        {
            var fromFile = IdxReader.Read(path);
            var fromStream = IdxReader.Read(new ForwardOnlyStream(bytes), "pipe");
            Assert.Equal(raw.AsSpan(12).ToArray(), fromFile.Data);
            Assert.Equal(fromFile.Data, fromStream.Data);
            Assert.Equal(new[] { 5, 7 }, fromStream.Dimensions);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_EveryTruncation_ThrowsInvalidDataNamingTheFile(bool gzip)
    {
        var raw = IdxFixtures.Raw(SmallDims, SmallData);
        var bytes = gzip ? IdxFixtures.Gzip(raw) : raw;
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var e = Assert.Throws<InvalidDataException>(() => ReadBytes(bytes[..cut], "cut.idx"));
            Assert.Contains("cut.idx: ", e.Message);
            Assert.Contains("byte offset", e.Message);
        }
    }

    private static Gen<(int[] Dims, byte[] Data, bool Gzip)> ValidFiles =>
        from rank in Gen.Choose(1, 3)
        from dims in Gen.ArrayOf(Gen.Choose(1, 6), rank)
        from seed in Gen.Choose(0, 1 << 20)
        from gzip in Gen.Elements(false, true)
        select (dims, IdxFixtures.Sequence(dims.Aggregate(1, (a, b) => a * b), seed), gzip);

    [Property(MaxTest = 200)]
    public Property Read_RandomTruncation_ThrowsInvalidData() =>
        Prop.ForAll(Arb.From(from file in ValidFiles from fraction in Gen.Choose(0, 999) select (file, fraction)),
            t =>
            {
                var raw = IdxFixtures.Raw(t.file.Dims, t.file.Data);
                var bytes = t.file.Gzip ? IdxFixtures.Gzip(raw) : raw;
                int cut = bytes.Length * t.fraction / 1000;
                Assert.Throws<InvalidDataException>(() => ReadBytes(bytes[..cut]));
            });

    [Property(MaxTest = 400)]
    public Property Read_ByteFlip_ParsesConsistentlyOrThrowsInvalidData() =>
        Prop.ForAll(Arb.From(from file in ValidFiles
                             from position in Gen.Choose(0, 10_000)
                             from mask in Gen.Choose(1, 255)
                             select (file, position, mask)),
            t =>
            {
                var raw = IdxFixtures.Raw(t.file.Dims, t.file.Data);
                var bytes = t.file.Gzip ? IdxFixtures.Gzip(raw) : raw.ToArray();
                int position = t.position % bytes.Length;
                bytes[position] ^= (byte)t.mask;
                int headerLength = 4 + 4 * t.file.Dims.Length;
                IdxArray result;
                try
                {
                    result = ReadBytes(bytes);
                }
                catch (InvalidDataException)
                {
                    // raw: only a flip in the data area leaves a valid file (the rank byte may, by chance)
                    Assert.False(!t.file.Gzip && position >= headerLength, "a flip in raw data must still parse");
                    return;
                }
                Assert.All(result.Dimensions, d => Assert.True(d > 0));
                Assert.Equal(result.Dimensions.Aggregate(1L, (a, b) => a * b), result.Data.Length);
                if (t.file.Gzip)
                {
                    // the CRC-32 must catch any change to the decompressed bytes
                    Assert.Equal(t.file.Dims, result.Dimensions);
                    Assert.Equal(t.file.Data, result.Data);
                }
                else if (position >= headerLength)
                {
                    Assert.Equal(raw[headerLength..].Select((b, i) => i == position - headerLength ? (byte)(b ^ t.mask) : b),
                        result.Data);
                }
                else
                {
                    Assert.Equal(3, position);
                }
            });

    [Fact]
    public void Read_RawHeaderClaimingMoreThanTheFile_ThrowsBeforeAllocating()
    {
        var bytes = IdxFixtures.Header(60000, 28, 28).Concat(new byte[10]).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(bytes, "huge.idx"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("huge.idx: byte offset 16", e.Message);
        Assert.Contains("47040000", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes for a 26-byte file");
    }

    [Fact]
    public void Read_GzipHeaderWithForgedTrailer_FailsAfterAllocatingLittle()
    {
        // the header claims 47 M bytes and the trailer agrees, but only 10 data bytes are compressed
        var raw = IdxFixtures.Header(60000, 28, 28).Concat(new byte[10]).ToArray();
        var gzip = IdxFixtures.Gzip(raw);
        BitConverter.TryWriteBytes(gzip.AsSpan(gzip.Length - 4), 16u + 60000u * 784u);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(gzip, "forged.gz"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // zlib itself notices the length mismatch when it reaches the trailer; either way nothing big was allocated
        Assert.Contains("forged.gz: decompressed byte offset", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes for a {gzip.Length}-byte file");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_DimensionsBeyondTheLimit_AreRejected(bool gzip)
    {
        var raw = IdxFixtures.Header(65536, 65536, 2);
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(gzip ? IdxFixtures.Gzip(raw) : raw, "big"));
        Assert.Contains("limit", e.Message);
        var small = IdxFixtures.Raw([4, 4], new byte[16]);
        Assert.Throws<InvalidDataException>(() => IdxReader.Read(new MemoryStream(small), "small", maxElements: 15));
        Assert.Equal(16, IdxReader.Read(new MemoryStream(small), "small", maxElements: 16).Data.Length);
    }

    [Theory]
    [InlineData(new uint[] { 3, 0 }, "byte offset 8: dimension 1 is 0")]
    [InlineData(new uint[] { 0x80000000u }, "byte offset 4: dimension 0 is 2147483648")]
    public void Read_BadDimension_NamesTheOffset(uint[] dims, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(IdxFixtures.Header(dims), "dims.idx"));
        Assert.Contains("dims.idx: " + expected, e.Message);
    }

    [Theory]
    [InlineData(0x0D, "float32")]
    [InlineData(0x0C, "int32")]
    [InlineData(0x42, "unknown element type 0x42")]
    public void Read_OtherElementTypes_AreRejectedClearly(byte type, string expected)
    {
        var bytes = IdxFixtures.Raw([2], new byte[2], type);
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(bytes, "typed.idx"));
        Assert.Contains("typed.idx: byte offset 2:", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 8, 1 }, "byte offset 0")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "byte offset 3: the rank is 0")]
    [InlineData(new byte[] { 0, 0, 8, 17 }, "byte offset 3: the rank is 17")]
    public void Read_BadMagicOrRank_IsRejected(byte[] header, string expected)
    {
        var bytes = header.Concat(new byte[80]).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(bytes, "magic.idx"));
        Assert.Contains("magic.idx: " + expected, e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TrailingBytes_AreRejected(bool gzip)
    {
        var raw = IdxFixtures.Raw(SmallDims, SmallData).Append((byte)7).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => ReadBytes(gzip ? IdxFixtures.Gzip(raw) : raw, "long.idx"));
        Assert.Contains("long.idx: ", e.Message);
    }

    [Fact]
    public void Read_TwoConcatenatedGzipMembers_AreRejected()
    {
        var raw = IdxFixtures.Raw(SmallDims, SmallData);
        var bytes = IdxFixtures.Gzip(raw[..10]).Concat(IdxFixtures.Gzip(raw[10..])).ToArray();
        Assert.Throws<InvalidDataException>(() => ReadBytes(bytes));
    }
}
