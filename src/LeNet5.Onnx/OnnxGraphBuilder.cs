using System.Buffers.Binary;
using Google.Protobuf;
using LeNet5.Onnx.Proto;

namespace LeNet5.Onnx;

/// <summary>
/// Builds an ONNX graph node by node: float and int64 initializers, default-domain nodes with their attributes, and
/// float graph inputs and outputs whose negative dimensions are the symbolic <c>batch</c>. Every value name is used once.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The graph built so far.</summary>
    public GraphProto Graph => _graph;

    /// <summary>
    /// Adds a float initializer (a constant tensor) named <paramref name="name"/>; <paramref name="docString"/>, if given,
    /// says what it holds where the name alone cannot (a tensor rearranged from a <c>state_dict</c> one, for example).
    /// </summary>
    public string FloatInitializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values, string? docString = null)
    {
        // raw_data is little-endian whatever the machine.
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        TensorProto tensor = Tensor(name, dims, TensorProto.Types.DataType.Float);
        tensor.RawData = UnsafeByteOperations.UnsafeWrap(raw);
        if (docString is not null) tensor.DocString = docString;
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 initializer named <paramref name="name"/>.</summary>
    public string Int64Initializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<long> values)
    {
        TensorProto tensor = Tensor(name, dims, TensorProto.Types.DataType.Int64);
        tensor.Int64Data.Add(values.ToArray());
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node of the default domain; returns its (single) output name.</summary>
    public string Node(string opType, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(Unique(output));
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>Declares a float graph input; a negative dimension is the symbolic <c>batch</c>.</summary>
    public void Input(string name, ReadOnlySpan<long> dims) => _graph.Input.Add(ValueInfo(Unique(name), dims));

    /// <summary>Declares a float graph output (a value a node writes); a negative dimension is the symbolic <c>batch</c>.</summary>
    public void Output(string name, ReadOnlySpan<long> dims) => _graph.Output.Add(ValueInfo(name, dims));

    /// <summary>An INT attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An INTS attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    private TensorProto Tensor(string name, ReadOnlySpan<long> dims, TensorProto.Types.DataType type)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)type };
        tensor.Dims.Add(dims.ToArray());
        return tensor;
    }

    private string Unique(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"ONNX value name '{name}' is used twice");
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, ReadOnlySpan<long> dims)
    {
        var shape = new TensorShapeProto();
        foreach (long dim in dims)
            shape.Dim.Add(dim < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = dim });
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
