using System.Buffers.Binary;
using System.Text;
using Engine.IO;
using FsCheck;
using FsCheck.Xunit;

namespace Engine.Tests.IO;

/// <summary>
/// SafeTensors.Read on broken or malicious bytes: the only exception is InvalidDataException naming the source
/// and a byte offset, and no allocation is sized by an unchecked header field.
/// </summary>
[Trait("Layer", "IO")]
public sealed class SafeTensorsHostileInputTests
{
    private const string Source = "hostile.safetensors";

    private static readonly byte[] Valid = SafeTensors.Serialize(
        [
            new SafeTensor("w", [2, 3], [1f, 2f, 3f, 4f, 5f, 6f]),
            new SafeTensor("b", [3], [0.5, -0.5, 0.25]),
            new SafeTensor("h", [2], [1.5f, -2f], SafeTensorDType.F16),
        ],
        new Dictionary<string, string> { ["k"] = "v" });

    /// <summary>Reads <paramref name="bytes"/>; returns the exception (null on success) after checking its type.</summary>
    private static InvalidDataException? ReadExpectingOnlyInvalidData(byte[] bytes, long allocationBudget)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            SafeTensors.Read(new MemoryStream(bytes, writable: false), Source);
            return null;
        }
        catch (InvalidDataException e)
        {
            Assert.Contains(Source, e.Message);
            Assert.Contains("byte ", e.Message);
            return e;
        }
        finally
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < allocationBudget,
                $"Read allocated {allocated} bytes for a {bytes.Length}-byte input (budget {allocationBudget}).");
        }
    }

    private static long Budget(byte[] bytes) => 256 * 1024 + 16L * bytes.Length;

    [Fact]
    public void Read_ValidFile_Succeeds()
    {
        Assert.Null(ReadExpectingOnlyInvalidData(Valid, Budget(Valid)));
    }

    [Fact]
    public void Read_EveryTruncation_ThrowsInvalidData()
    {
        for (int length = 0; length < Valid.Length; length++)
            Assert.NotNull(ReadExpectingOnlyInvalidData(Valid[..length], Budget(Valid)));
    }

    [Property(MaxTest = 500)]
    public void Read_RandomByteFlips_ReadOrThrowInvalidData(NonNegativeInt position, byte mask, NonNegativeInt second)
    {
        byte[] bytes = (byte[])Valid.Clone();
        bytes[position.Get % bytes.Length] ^= mask;
        bytes[second.Get % bytes.Length] ^= (byte)(mask >> 1);
        ReadExpectingOnlyInvalidData(bytes, Budget(bytes));
    }

    [Property(MaxTest = 300)]
    public void Read_RandomBytes_ThrowInvalidData(byte[] garbage)
    {
        Assert.NotNull(ReadExpectingOnlyInvalidData(garbage, Budget(garbage)));
    }

    [Property(MaxTest = 300)]
    public void Read_RandomHeaderLength_ReadOrThrowInvalidData(ulong headerLength)
    {
        byte[] bytes = (byte[])Valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        ReadExpectingOnlyInvalidData(bytes, Budget(bytes));
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(long.MaxValue)]
    [InlineData(1UL << 40)]
    [InlineData(100_000_008UL)]
    public void Read_HeaderLengthBeyondFile_ThrowsBeforeAllocating(ulong headerLength)
    {
        byte[] bytes = (byte[])Valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        var error = ReadExpectingOnlyInvalidData(bytes, 64 * 1024);
        Assert.Contains("byte 0", error!.Message);
    }

    /// <summary>A file with the given header JSON (padded) and <paramref name="dataLength"/> zero bytes of data.</summary>
    private static byte[] Craft(string json, int dataLength)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private const string A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,16]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8, "a")]
    [InlineData("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "b")]
    [InlineData("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16, "b")]
    [InlineData("{" + A + "}", 12, "cover")]
    [InlineData("{" + A + "," + A + "}", 16, "twice")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2e0],\"data_offsets\":[0,8]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967298],\"data_offsets\":[0,8]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", 8, "overflows")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,8]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "I64")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551615]}}", 8, "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "data_offsets")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "twice")]
    [InlineData("{\"a\":[1,2]}", 8, "a")]
    [InlineData("{\"__metadata__\":{\"k\":1}," + A + "}", 8, "k")]
    [InlineData("{\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}," + A + "}", 8, "k")]
    [InlineData("{\"__metadata__\":[]," + A + "}", 8, "__metadata__")]
    [InlineData("[" + A + "]", 8, null)]
    [InlineData("{" + A + "}x", 8, null)]
    [InlineData("{" + A + "}{}", 8, null)]
    [InlineData("{" + A + ",}", 8, null)]
    [InlineData("{" + A + "", 8, null)]
    [InlineData("", 8, "JSON")]
    [InlineData("   ", 8, null)]
    [InlineData("{\"\\ud800\":{}}", 0, null)]
    [InlineData("{/*c*/" + A + "}", 8, null)]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":" +
                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}", 8, null)]
    public void Read_CraftedHeader_ThrowsInvalidDataNamingTheProblem(string json, int dataLength, string? mention)
    {
        var error = ReadExpectingOnlyInvalidData(Craft(json, dataLength), 64 * 1024);
        Assert.True(error is not null, $"accepted: {json}");
        if (mention is not null)
            Assert.Contains(mention, error.Message);
    }

    [Fact]
    public void Read_ValidCraftedFile_WithUnknownFieldAndZeroSizedTensors_Succeeds()
    {
        // Sanity check of Craft itself, plus the lenient parts of the format: unknown keys inside an entry are
        // skipped (as the reference does), zero-sized tensors may share an offset, a scalar has shape [].
        string json = "{\"z\":{\"dtype\":\"F64\",\"shape\":[0,5],\"data_offsets\":[0,0]}," +
                      "\"y\":{\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[0,0]}," +
                      "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"extra\":{\"n\":[1]}}}  ";
        var file = SafeTensors.Read(new MemoryStream(Craft(json, 4)), Source);
        Assert.Equal(3, file.Tensors.Count);
        Assert.Equal(1, file["s"].ElementCount);
        Assert.Equal(0, file["z"].ElementCount);
        Assert.Equal([0, 5], file["z"].Shape);
    }

    [Fact]
    public void Read_InvalidUtf8Header_NamesTheOffset()
    {
        byte[] bytes = Craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        bytes[8 + 2] = 0xFF;
        var error = ReadExpectingOnlyInvalidData(bytes, 64 * 1024);
        Assert.Contains("byte 10", error!.Message);
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => SafeTensors.Read(Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.st")));
    }
}
