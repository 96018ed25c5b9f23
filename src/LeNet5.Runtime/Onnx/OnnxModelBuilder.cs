using System.Buffers.Binary;

namespace LeNet5.Runtime.Onnx;

/// <summary>
/// Builds an ONNX <c>ModelProto</c> (IR version 8, default opset 17) node by node: float initializers, nodes with int,
/// ints and float attributes, and float tensor inputs and outputs with an optional symbolic batch dimension. Field
/// numbers follow <c>onnx/onnx.proto</c>.
/// </summary>
internal sealed class OnnxModelBuilder
{
    /// <summary>The IR version written (ONNX 1.10 and later read it).</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain operator set the nodes are written against.</summary>
    public const long OpsetVersion = 17;

    private const int FloatType = 1;
    private const int Int64Type = 7;

    private readonly List<ProtobufWriter> _nodes = [];
    private readonly List<ProtobufWriter> _initializers = [];
    private readonly List<ProtobufWriter> _inputs = [];
    private readonly List<ProtobufWriter> _outputs = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a float initializer (a constant tensor) named <paramref name="name"/>; <paramref name="docString"/>, if given,
    /// says what it holds where the name alone cannot (a tensor rearranged from a <c>state_dict</c> one, for example).
    /// </summary>
    public string FloatInitializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values, string? docString = null)
    {
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        ProtobufWriter tensor = Tensor(Unique(name), dims, FloatType, raw);
        if (docString is not null) tensor.String(12, docString);
        _initializers.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 initializer named <paramref name="name"/>.</summary>
    public string Int64Initializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<long> values)
    {
        var raw = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        _initializers.Add(Tensor(Unique(name), dims, Int64Type, raw));
        return name;
    }

    /// <summary>Adds a node of the default domain; returns its (single) output name.</summary>
    public string Node(string opType, string name, string[] inputs, string output, params NodeAttribute[] attributes)
    {
        var node = new ProtobufWriter();
        foreach (string input in inputs) node.String(1, input);
        node.String(2, Unique(output));
        node.String(3, name);
        node.String(4, opType);
        foreach (NodeAttribute attribute in attributes) node.Message(5, attribute.Write());
        _nodes.Add(node);
        return output;
    }

    /// <summary>Declares a float graph input; a dimension of -1 is the symbolic <c>batch</c>.</summary>
    public void Input(string name, ReadOnlySpan<long> dims) => _inputs.Add(ValueInfo(Unique(name), dims));

    /// <summary>Declares a float graph output; a dimension of -1 is the symbolic <c>batch</c>.</summary>
    public void Output(string name, ReadOnlySpan<long> dims) => _outputs.Add(ValueInfo(name, dims));

    /// <summary>Writes the model.</summary>
    public byte[] Build(string graphName, string producerVersion, string docString)
    {
        var graph = new ProtobufWriter();
        foreach (ProtobufWriter node in _nodes) graph.Message(1, node);
        graph.String(2, graphName);
        foreach (ProtobufWriter initializer in _initializers) graph.Message(5, initializer);
        graph.String(10, docString);
        foreach (ProtobufWriter input in _inputs) graph.Message(11, input);
        foreach (ProtobufWriter output in _outputs) graph.Message(12, output);

        var opset = new ProtobufWriter().String(1, "").Int64(2, OpsetVersion);
        return new ProtobufWriter()
            .Int64(1, IrVersion)
            .String(2, "LeNet5.Generated")
            .String(3, producerVersion)
            .Message(7, graph)
            .Message(8, opset)
            .ToArray();
    }

    private string Unique(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"ONNX value name '{name}' is used twice");
        return name;
    }

    private static ProtobufWriter Tensor(string name, ReadOnlySpan<long> dims, int dataType, byte[] raw)
    {
        var tensor = new ProtobufWriter();
        foreach (long dim in dims) tensor.Int64(1, dim);
        tensor.Int64(2, dataType);
        tensor.String(8, name);
        tensor.Bytes(9, raw);
        return tensor;
    }

    private static ProtobufWriter ValueInfo(string name, ReadOnlySpan<long> dims)
    {
        var shape = new ProtobufWriter();
        foreach (long dim in dims)
        {
            var dimension = new ProtobufWriter();
            if (dim < 0) dimension.String(2, "batch");
            else dimension.Int64(1, dim);
            shape.Message(1, dimension);
        }
        var tensorType = new ProtobufWriter().Int64(1, FloatType).Message(2, shape);
        var type = new ProtobufWriter().Message(1, tensorType);
        return new ProtobufWriter().String(1, name).Message(2, type);
    }
}
