using System.Runtime.InteropServices;
using Engine.IO;

namespace Engine.Persistence.Onnx;

/// <summary>
/// Builds an ONNX model (onnx.proto ModelProto) from graph inputs and outputs, float initializers and nodes, and
/// serializes it with <see cref="ProtoWriter"/>. Node helpers for the layers the engine's models use live in
/// OnnxModelBuilder.Ops.cs.
/// </summary>
/// <remarks>
/// The model declares IR version 8, opset "" (ai.onnx) version 17 and producer "Engine". Field numbers are those
/// of onnx/onnx.proto: ModelProto {ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8},
/// GraphProto {node 1, name 2, initializer 5, input 11, output 12}, NodeProto {input 1, output 2, name 3,
/// op_type 4, attribute 5}, TensorProto {dims 1, data_type 2, name 8, raw_data 9},
/// ValueInfoProto {name 1, type 2}, TypeProto {tensor_type 1}, TypeProto.Tensor {elem_type 1, shape 2},
/// TensorShapeProto {dim 1}, Dimension {dim_value 1, dim_param 2}, OperatorSetIdProto {domain 1, version 2}.
/// Fields are written in field-number order, as protobuf libraries do.
/// </remarks>
public sealed partial class OnnxModelBuilder
{
    /// <summary>TensorProto.DataType FLOAT.</summary>
    public const int ElementTypeFloat = 1;

    /// <summary>TensorProto.DataType INT32.</summary>
    public const int ElementTypeInt32 = 6;

    /// <summary>TensorProto.DataType INT64.</summary>
    public const int ElementTypeInt64 = 7;

    private readonly string _graphName;
    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private int _nodeCount;

    /// <summary>Starts an empty graph called <paramref name="graphName"/>.</summary>
    public OnnxModelBuilder(string graphName = "engine")
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        _graphName = graphName;
    }

    /// <summary>ModelProto.ir_version; 8 by default (ONNX 1.10+, read by every current runtime).</summary>
    public long IrVersion { get; init; } = 8;

    /// <summary>Version of the default ("ai.onnx") operator set; 17 by default.</summary>
    public long OpsetVersion { get; init; } = 17;

    /// <summary>ModelProto.producer_name.</summary>
    public string ProducerName { get; init; } = "Engine";

    /// <summary>Declares a float graph input; returns its name.</summary>
    /// <param name="name">Unique value name.</param>
    /// <param name="shape">Dimensions; use a symbolic one (e.g. "N") for the batch.</param>
    public string AddInput(string name, params OnnxDim[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Define(name, "AddInput");
        _inputs.Add(ValueInfo(name, shape));
        return name;
    }

    /// <summary>Declares a graph input of another element type (e.g. <see cref="ElementTypeInt64"/> word ids); returns its name.</summary>
    /// <param name="name">Unique value name.</param>
    /// <param name="elementType">TensorProto.DataType: <see cref="ElementTypeFloat"/>, <see cref="ElementTypeInt32"/> or <see cref="ElementTypeInt64"/>.</param>
    /// <param name="shape">Dimensions; use a symbolic one (e.g. "N") for the batch.</param>
    /// <exception cref="ArgumentOutOfRangeException">Another element type.</exception>
    public string AddTypedInput(string name, int elementType, params OnnxDim[] shape)
    {
        if (elementType is not (ElementTypeFloat or ElementTypeInt32 or ElementTypeInt64))
            throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "AddTypedInput: FLOAT (1), INT32 (6) or INT64 (7).");
        ArgumentNullException.ThrowIfNull(shape);
        Define(name, "AddTypedInput");
        _inputs.Add(ValueInfo(name, shape, elementType));
        return name;
    }

    /// <summary>Declares an existing value (an input or node output) as a float graph output.</summary>
    /// <exception cref="ArgumentException">No value called <paramref name="name"/> exists yet.</exception>
    public void AddOutput(string name, params OnnxDim[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        Require(name, "AddOutput");
        _outputs.Add(ValueInfo(name, shape));
    }

    /// <summary>Adds a float constant (e.g. a weight), stored little-endian in raw_data; returns its name.</summary>
    /// <exception cref="ArgumentException">The name is taken, or the data length is not the product of the shape.</exception>
    public string AddInitializer(string name, long[] shape, ReadOnlySpan<float> data)
    {
        ArgumentNullException.ThrowIfNull(shape); // before Define, which would leave the name taken
        Define(name, "AddInitializer");
        CheckLength(name, shape, data.Length);
        _initializers.Add(Tensor(name, shape, ElementTypeFloat, MemoryMarshal.AsBytes(data)));
        return name;
    }

    /// <summary>Adds an int64 constant (e.g. the target shape of Reshape); returns its name.</summary>
    public string AddInt64Initializer(string name, long[] shape, ReadOnlySpan<long> data)
    {
        ArgumentNullException.ThrowIfNull(shape); // before Define, which would leave the name taken
        Define(name, "AddInt64Initializer");
        CheckLength(name, shape, data.Length);
        _initializers.Add(Tensor(name, shape, ElementTypeInt64, MemoryMarshal.AsBytes(data)));
        return name;
    }

    /// <summary>Adds a node with one output and returns the output's name (generated when null).</summary>
    /// <param name="opType">Operator, e.g. "Gemm".</param>
    /// <param name="inputs">Input value names; "" marks an omitted optional input.</param>
    /// <param name="output">Output value name, or null for "{opType}_{n}".</param>
    /// <param name="attributes">Node attributes.</param>
    public string AddNode(string opType, IReadOnlyList<string> inputs, string? output = null,
        params OnnxAttribute[] attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        output ??= $"{opType}_{_nodeCount}";
        AddNode(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>Adds a node with several outputs ("" marks an omitted optional output).</summary>
    /// <exception cref="ArgumentException">An input is undefined or an output name is taken.</exception>
    public void AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(attributes);
        if (inputs.Contains(null!) || outputs.Contains(null!))
            throw new ArgumentException($"{opType}: input and output names must not be null (use \"\" for an omitted one).",
                inputs.Contains(null!) ? nameof(inputs) : nameof(outputs));
        foreach (string input in inputs)
        {
            if (input.Length > 0)
                Require(input, opType);
        }
        foreach (string output in outputs)
        {
            if (output.Length > 0)
                Define(output, opType);
        }

        var node = new ProtoWriter();
        foreach (string input in inputs)
            node.WriteString(1, input);
        foreach (string output in outputs)
            node.WriteString(2, output);
        node.WriteString(3, $"{opType}_{_nodeCount++}");
        node.WriteString(4, opType);
        foreach (var attribute in attributes)
            node.WriteMessage(5, attribute.Encode());
        _nodes.Add(node);
    }

    /// <summary>Whether a value (input, initializer or node output) called <paramref name="name"/> is defined.</summary>
    public bool HasValue(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _values.Contains(name);
    }

    /// <summary>The serialized ModelProto.</summary>
    /// <exception cref="InvalidOperationException">The graph has no output.</exception>
    public byte[] Build()
    {
        if (_outputs.Count == 0)
            throw new InvalidOperationException("OnnxModelBuilder.Build: the graph has no output; call AddOutput.");
        var graph = new ProtoWriter();
        foreach (var node in _nodes)
            graph.WriteMessage(1, node);
        graph.WriteString(2, _graphName);
        foreach (var initializer in _initializers)
            graph.WriteMessage(5, initializer);
        foreach (var input in _inputs)
            graph.WriteMessage(11, input);
        foreach (var output in _outputs)
            graph.WriteMessage(12, output);

        var opset = new ProtoWriter();
        opset.WriteString(1, "");
        opset.WriteInt64(2, OpsetVersion);

        var model = new ProtoWriter();
        model.WriteInt64(1, IrVersion);
        model.WriteString(2, ProducerName);
        model.WriteMessage(7, graph);
        model.WriteMessage(8, opset);
        return model.ToArray();
    }

    /// <summary>Writes the model to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllBytes(path, Build());
    }

    private static ProtoWriter Tensor(string name, long[] shape, int dataType, ReadOnlySpan<byte> littleEndian)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this writer needs a little-endian CPU.");
        var tensor = new ProtoWriter();
        foreach (long dim in shape)
            tensor.WriteInt64(1, dim);
        tensor.WriteInt64(2, dataType);
        tensor.WriteString(8, name);
        tensor.WriteBytes(9, littleEndian);
        return tensor;
    }

    private static ProtoWriter ValueInfo(string name, OnnxDim[] shape, int elementType = ElementTypeFloat)
    {
        var dims = new ProtoWriter();
        foreach (var dim in shape)
        {
            var dimension = new ProtoWriter();
            if (dim.Symbol is null)
                dimension.WriteInt64(1, dim.Value);
            else
                dimension.WriteString(2, dim.Symbol);
            dims.WriteMessage(1, dimension);
        }
        var tensorType = new ProtoWriter();
        tensorType.WriteInt64(1, elementType);
        tensorType.WriteMessage(2, dims);
        var type = new ProtoWriter();
        type.WriteMessage(1, tensorType);
        var info = new ProtoWriter();
        info.WriteString(1, name);
        info.WriteMessage(2, type);
        return info;
    }

    private static void CheckLength(string name, long[] shape, int length)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim < 0)
                throw new ArgumentException($"Initializer '{name}': negative dimension in ({string.Join(", ", shape)}).", nameof(shape));
            count = checked(count * dim);
        }
        if (count != length)
            throw new ArgumentException(
                $"Initializer '{name}': shape ({string.Join(", ", shape)}) holds {count} values, data has {length}.", nameof(shape));
    }

    private void Define(string name, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_values.Add(name))
            throw new ArgumentException($"{what}: the value name '{name}' is already defined in the graph.", nameof(name));
    }

    private void Require(string name, string what)
    {
        if (!_values.Contains(name))
            throw new ArgumentException($"{what}: no value named '{name}' is defined yet (inputs, initializers and " +
                                        "node outputs must come before their use).", nameof(name));
    }
}
