namespace Engine.Persistence.Onnx;

/// <summary>A node attribute (onnx.proto AttributeProto): a name and one int, float, string, ints or floats value.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(string name, int type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type;
    }

    /// <summary>The attribute name, e.g. "transB".</summary>
    public string Name { get; }

    /// <summary>AttributeProto.AttributeType: FLOAT = 1, INT = 2, STRING = 3, FLOATS = 6, INTS = 7.</summary>
    internal int Type { get; }

    private float FloatValue { get; init; }
    private long IntValue { get; init; }
    private string? StringValue { get; init; }
    private long[]? IntsValue { get; init; }
    private float[]? FloatsValue { get; init; }

    /// <summary>An INT attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, 2) { IntValue = value };

    /// <summary>A FLOAT attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, 1) { FloatValue = value };

    /// <summary>A STRING attribute (UTF-8 bytes).</summary>
    public static OnnxAttribute String(string name, string value) =>
        new(name, 3) { StringValue = value ?? throw new ArgumentNullException(nameof(value)) };

    /// <summary>An INTS attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) =>
        new(name, 7) { IntsValue = (long[])(values ?? throw new ArgumentNullException(nameof(values))).Clone() };

    /// <summary>A FLOATS attribute.</summary>
    public static OnnxAttribute Floats(string name, params float[] values) =>
        new(name, 6) { FloatsValue = (float[])(values ?? throw new ArgumentNullException(nameof(values))).Clone() };

    /// <summary>
    /// Encodes the AttributeProto: name = 1, f = 2, i = 3, s = 4, floats = 7, ints = 8, type = 20.
    /// Repeated ints/floats are written unpacked, the canonical proto2 encoding of onnx.proto's fields.
    /// </summary>
    internal ProtoWriter Encode()
    {
        var proto = new ProtoWriter();
        proto.WriteString(1, Name);
        switch (Type)
        {
            case 1: proto.WriteFloat(2, FloatValue); break;
            case 2: proto.WriteInt64(3, IntValue); break;
            case 3: proto.WriteString(4, StringValue!); break;
            case 6:
                foreach (float value in FloatsValue!)
                    proto.WriteFloat(7, value);
                break;
            default:
                foreach (long value in IntsValue!)
                    proto.WriteInt64(8, value);
                break;
        }
        proto.WriteInt64(20, Type);
        return proto;
    }
}
