namespace Engine.IO;

/// <summary>
/// Element types that <see cref="SafeTensors"/> reads and writes; the names are the safetensors <c>dtype</c>
/// strings. Other safetensors dtypes (integers, bool, FP8) are rejected on read with a clear message.
/// </summary>
/// <remarks>The numeric values follow the order of the reference implementation's <c>Dtype</c> enum, which the
/// writer uses to order tensors in the data buffer (larger alignment first).</remarks>
public enum SafeTensorDType
{
    /// <summary>IEEE 754 half precision (2 bytes); held in memory as <see cref="float"/>.</summary>
    F16 = 7,

    /// <summary>bfloat16: the upper 16 bits of a float32 (2 bytes); held in memory as <see cref="float"/>.</summary>
    BF16 = 8,

    /// <summary>IEEE 754 single precision (4 bytes).</summary>
    F32 = 11,

    /// <summary>IEEE 754 double precision (8 bytes); held in memory as <see cref="double"/>.</summary>
    F64 = 12,
}

/// <summary>Sizes and names of <see cref="SafeTensorDType"/> values.</summary>
internal static class SafeTensorDTypes
{
    /// <summary>Bytes per element.</summary>
    internal static int Size(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F16 or SafeTensorDType.BF16 => 2,
        SafeTensorDType.F32 => 4,
        SafeTensorDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>The dtype string of the header, e.g. "F32".</summary>
    internal static string Name(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F16 => "F16",
        SafeTensorDType.BF16 => "BF16",
        SafeTensorDType.F32 => "F32",
        SafeTensorDType.F64 => "F64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>Parses a header dtype string; false for dtypes this engine does not hold.</summary>
    internal static bool TryParse(string name, out SafeTensorDType dtype)
    {
        switch (name)
        {
            case "F16": dtype = SafeTensorDType.F16; return true;
            case "BF16": dtype = SafeTensorDType.BF16; return true;
            case "F32": dtype = SafeTensorDType.F32; return true;
            case "F64": dtype = SafeTensorDType.F64; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Rounds a float to bfloat16 bits, round-to-nearest-even (as PyTorch does); NaN stays a quiet NaN.</summary>
    internal static ushort ToBFloat16Bits(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
            return (ushort)((bits >> 16) | 0x0040);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)(bits >> 16);
    }

    /// <summary>Widens bfloat16 bits to a float (exact).</summary>
    internal static float FromBFloat16Bits(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
