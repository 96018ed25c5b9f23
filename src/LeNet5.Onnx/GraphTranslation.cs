using System.Globalization;
using LeNet5.Onnx.Proto;
using LeNet5.Runtime;

namespace LeNet5.Onnx;

/// <summary>
/// Walks an ONNX graph, node by node in its (topological) order, and turns it into the generator's layers. The graph
/// must be one chain from its image input to its logits: each node reads the value the node before it wrote, plus
/// constants (initializers and <c>Constant</c> nodes). Conv, AveragePool/MaxPool, Gemm or MatMul (+ Add) and Pad become
/// layers; Relu, Tanh and Sigmoid become the activation of the layer before them; Flatten and Reshape to
/// <c>[batch, -1]</c> are the flattening every dense layer does; Identity passes its value on; a final Softmax or
/// LogSoftmax is dropped (the classifier's probabilities are the softmax of the logits). Anything else is refused with
/// the node named.
/// </summary>
internal sealed class GraphTranslation
{
    /// <summary>The operators the walk translates.</summary>
    public static readonly string[] Operators =
        ["Conv", "Relu", "Tanh", "Sigmoid", "AveragePool", "MaxPool", "Gemm", "MatMul", "Add", "Flatten", "Reshape", "Pad", "Constant", "Identity", "Softmax", "LogSoftmax"];

    private readonly string _source;
    private readonly Dictionary<string, TensorProto> _constants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _droppedOutputs = new(StringComparer.Ordinal);
    private readonly List<ImportedLayer> _layers = [];
    private string _current;
    /// <summary>The current value's shape per image; a flattened value keeps the shape it had before (its size is what counts).</summary>
    private FeatureShape _shape;
    private bool _flat;
    private string _label = "";

    private GraphTranslation(string source, string input, FeatureShape shape)
    {
        _source = source;
        _current = input;
        _shape = shape;
        Input = shape;
    }

    /// <summary>The image the graph takes, <c>[channels, height, width]</c>.</summary>
    public FeatureShape Input { get; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<ImportedLayer> Layers => _layers;

    /// <summary>Values per image of the graph's logits.</summary>
    public int ClassCount => _shape.Size;

    /// <summary>Translates <paramref name="graph"/>; <paramref name="source"/> names the file in messages.</summary>
    public static GraphTranslation Of(GraphProto graph, string source)
    {
        var initializers = new HashSet<string>(graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        // Before IR 4 the initializers were listed among the inputs too: the image is the one input that is not one.
        ValueInfoProto[] inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToArray();
        if (inputs.Length != 1)
        {
            throw new OnnxImportException(
                $"{source}: the graph has {inputs.Length} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); the importer takes a network with one image input");
        }
        var translation = new GraphTranslation(source, inputs[0].Name, ImageShape(inputs[0], source));
        foreach (TensorProto initializer in graph.Initializer) translation._constants[initializer.Name] = initializer;
        foreach (NodeProto node in graph.Node) translation.Translate(node);
        translation.CheckOutputs(graph);
        return translation;
    }

    private static FeatureShape ImageShape(ValueInfoProto input, string source)
    {
        string what = $"{source}: input '{input.Name}'";
        TypeProto.Types.Tensor? tensor = input.Type?.TensorType;
        if (tensor is null) throw new OnnxImportException($"{what} is not a tensor");
        if (tensor.ElemType != (int)TensorProto.Types.DataType.Float)
            throw new OnnxImportException($"{what} takes {TensorValues.TypeName(tensor.ElemType)} values; the importer takes FLOAT images");
        var dims = tensor.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.DimParam).ToArray() ?? [];
        string shape = "[" + string.Join(", ", dims) + "]";
        if (dims.Length != 4)
            throw new OnnxImportException($"{what} has shape {shape}; the importer takes images [batch, channels, height, width]");
        var sizes = new int[3];
        for (int i = 0; i < 3; i++)
        {
            TensorShapeProto.Types.Dimension dim = tensor.Shape!.Dim[i + 1];
            if (dim.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dim.DimValue is < 1 or > 1 << 24)
                throw new OnnxImportException($"{what} has shape {shape}; its channels, height and width must be fixed numbers");
            sizes[i] = (int)dim.DimValue;
        }
        return new FeatureShape(sizes[0], sizes[1], sizes[2]);
    }

    private void Translate(NodeProto node)
    {
        _label = $"{_source}: node '{(node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? "")}' ({node.OpType})";
        if (node.Domain is not ("" or "ai.onnx"))
            throw Fail($"is of domain '{node.Domain}'; the importer translates operators of the default ONNX domain only");
        if (node.Output.Count == 0) throw Fail("writes no output");
        switch (node.OpType)
        {
            case "Constant": Constant(node); return;
            case "Identity": Identity(node); return;
            case "Conv": Conv(node); break;
            case "Relu": Activation(node, ActivationKind.Relu); break;
            case "Tanh": Activation(node, ActivationKind.Tanh); break;
            case "Sigmoid": Activation(node, ActivationKind.Sigmoid); break;
            case "AveragePool": Pool(node, LayerKind.AvgPool2d); break;
            case "MaxPool": Pool(node, LayerKind.MaxPool2d); break;
            case "Gemm": Gemm(node); break;
            case "MatMul": MatMul(node); break;
            case "Add": Add(node); break;
            case "Flatten": Flatten(node); break;
            case "Reshape": Reshape(node); break;
            case "Pad": Pad(node); break;
            case "Softmax" or "LogSoftmax": Softmax(node); return;
            default:
                throw Fail($"is an operator the importer does not translate (it takes {string.Join(", ", Operators)})");
        }
        if (node.Output.Count > 1 && node.Output.Skip(1).Any(o => o.Length > 0))
            throw Fail($"writes {node.Output.Count} outputs; the importer takes the first one only");
        if (node.OpType != "MatMul" && _layers.Count > 0) _layers[^1].AwaitsBias = false;
        _current = node.Output[0];
    }

    private void Constant(NodeProto node)
    {
        var attributes = new NodeAttributes(node, _label, "value", "value_float", "value_floats", "value_int", "value_ints");
        TensorProto? tensor = attributes.Tensor("value");
        if (tensor is null)
        {
            tensor = new TensorProto();
            if (attributes.Has("value_float") || attributes.Has("value_floats"))
            {
                tensor.DataType = (int)TensorProto.Types.DataType.Float;
                float[] values = attributes.Floats("value_floats") ?? [attributes.Float("value_float", 0)];
                tensor.FloatData.Add(values);
                if (attributes.Has("value_floats")) tensor.Dims.Add(values.Length);
            }
            else if (attributes.Has("value_int") || attributes.Has("value_ints"))
            {
                tensor.DataType = (int)TensorProto.Types.DataType.Int64;
                long[] values = attributes.Ints("value_ints") ?? [attributes.Int("value_int", 0)];
                tensor.Int64Data.Add(values);
                if (attributes.Has("value_ints")) tensor.Dims.Add(values.Length);
            }
            else
            {
                throw Fail("has no value the importer reads (value, value_float(s) or value_int(s))");
            }
        }
        _constants[node.Output[0]] = tensor;
    }

    private void Identity(NodeProto node)
    {
        _ = new NodeAttributes(node, _label);
        string input = DataInput(node, 0);
        if (_constants.TryGetValue(input, out TensorProto? constant)) _constants[node.Output[0]] = constant;
        else if (input == _current) _current = node.Output[0];
        else throw NotOnChain(input);
    }

    private void Conv(NodeProto node)
    {
        var attributes = new NodeAttributes(node, _label, "kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
        ReadData(node);
        NotFlat();
        (TensorProto weight, int[] shape) = Weight(node, 1, 4);
        int filters = shape[0], kernel = shape[2];
        if (shape[2] != shape[3]) throw Fail($"has a {shape[2]}x{shape[3]} kernel; the generator's conv2d takes square kernels");
        if (shape[1] != _shape.Channels)
            throw Fail($"has weight '{weight.Name}' of shape {Text(shape)} for an input of {_shape.Channels} channels");
        if (attributes.Ints("kernel_shape") is { } kernelShape && !kernelShape.SequenceEqual([kernel, kernel]))
            throw Fail($"has kernel_shape {NodeAttributes.Text(kernelShape)} but its weight is {kernel}x{kernel}");
        if (attributes.Int("group", 1) != 1)
            throw Fail($"has group {attributes.Int("group", 1)}; the generator's conv2d connects every input map (group 1)");
        Dilations(attributes);
        int stride = Square(attributes.Ints("strides"), "strides");
        int padding = Pads(attributes);
        int height = _shape.Height + 2 * padding, width = _shape.Width + 2 * padding;
        if (kernel > height || kernel > width) throw Fail($"has a {kernel}x{kernel} kernel larger than its (padded) {height}x{width} input");
        var output = new FeatureShape(filters, (height - kernel) / stride + 1, (width - kernel) / stride + 1);
        (float[] bias, string biasSource) = Bias(node, 2, filters);
        Add(new ImportedLayer
        {
            Kind = LayerKind.Conv2d, Input = _shape, Output = output, Kernel = kernel, Stride = stride, Padding = padding,
            Weight = TensorValues.Floats(weight, Initializer(weight)), Bias = bias,
            NodeName = node.Name, WeightSource = weight.Name, BiasSource = biasSource,
        });
    }

    private void Activation(NodeProto node, ActivationKind activation)
    {
        _ = new NodeAttributes(node, _label);
        ReadData(node);
        ImportedLayer layer = _layers.Count > 0 ? _layers[^1] : throw Fail("comes before any layer; the generator's activations belong to a layer");
        if (layer.Kind == LayerKind.Pad) throw Fail("follows a Pad; the generator's pad layers take no activation");
        if (layer.Activation != ActivationKind.None)
            throw Fail($"follows a {Activations.Name(layer.Activation)} of the same layer; the generator's layers take one activation");
        layer.Activation = activation;
    }

    private void Pool(NodeProto node, LayerKind kind)
    {
        var attributes = kind == LayerKind.AvgPool2d
            ? new NodeAttributes(node, _label, "kernel_shape", "strides", "pads", "ceil_mode", "count_include_pad", "auto_pad")
            : new NodeAttributes(node, _label, "kernel_shape", "strides", "pads", "ceil_mode", "dilations", "storage_order", "auto_pad");
        ReadData(node);
        NotFlat();
        int size = Square(attributes.Ints("kernel_shape") ?? throw Fail("has no kernel_shape"), "kernel_shape");
        int stride = Square(attributes.Ints("strides"), "strides");
        if (stride != size) throw Fail($"has a {size}x{size} window with stride {stride}; the generator's pools take stride = window");
        if (Pads(attributes) != 0) throw Fail("has pads; the generator's pools take none");
        Dilations(attributes);
        // ceil_mode only matters when the window does not divide the map, which the generator's pools refuse anyway.
        if (_shape.Height % size != 0 || _shape.Width % size != 0)
            throw Fail($"has a {size}x{size} window that does not divide its {_shape.Height}x{_shape.Width} input; the generator's pools take windows that divide the map");
        Add(new ImportedLayer
        {
            Kind = kind, Input = _shape, Output = new FeatureShape(_shape.Channels, _shape.Height / size, _shape.Width / size), Kernel = size, Stride = size,
            NodeName = node.Name,
        });
    }

    private void Gemm(NodeProto node)
    {
        var attributes = new NodeAttributes(node, _label, "alpha", "beta", "transA", "transB");
        ReadData(node);
        if (attributes.Int("transA", 0) != 0) throw Fail("has transA 1; the importer takes the layer's input untransposed");
        if (attributes.Float("alpha", 1) != 1 || attributes.Float("beta", 1) != 1)
            throw Fail($"has alpha {attributes.Float("alpha", 1)} and beta {attributes.Float("beta", 1)}; the generator's dense layers compute W x + b (alpha = beta = 1)");
        bool transposed = attributes.Int("transB", 0) == 1;
        (TensorProto weight, int[] shape) = Weight(node, 1, 2);
        int units = transposed ? shape[0] : shape[1];
        float[] values = TensorValues.Floats(weight, Initializer(weight));
        Dense(node, weight, shape, transposed ? values : Transpose(values, shape[0], shape[1]), units, awaitsBias: false, Bias(node, 2, units));
    }

    private void MatMul(NodeProto node)
    {
        _ = new NodeAttributes(node, _label);
        ReadData(node);
        (TensorProto weight, int[] shape) = Weight(node, 1, 2);
        // MatMul multiplies by [in, units]: the generator's dense weight is its transpose, [units, in].
        float[] values = Transpose(TensorValues.Floats(weight, Initializer(weight)), shape[0], shape[1]);
        Dense(node, weight, shape, values, shape[1], awaitsBias: true, (new float[shape[1]], ""));
    }

    private void Dense(NodeProto node, TensorProto weight, int[] shape, float[] values, int units, bool awaitsBias, (float[] Values, string Source) bias)
    {
        if (!_flat) throw Fail($"reads a {_shape} value; Gemm and MatMul take it flattened, after a Flatten");
        int inputs = values.Length / units;
        if (inputs != _shape.Size)
            throw Fail($"has weight '{weight.Name}' of shape {Text(shape)} for an input of {_shape.Size} values");
        Add(new ImportedLayer
        {
            Kind = LayerKind.Dense, Input = _shape, Output = new FeatureShape(units, 1, 1),
            Weight = values, Bias = bias.Values, NodeName = node.Name, WeightSource = weight.Name, BiasSource = bias.Source, AwaitsBias = awaitsBias,
        });
    }

    private void Add(NodeProto node)
    {
        _ = new NodeAttributes(node, _label);
        ImportedLayer? layer = _layers.Count > 0 && _layers[^1].AwaitsBias ? _layers[^1] : null;
        if (layer is null || node.Input.Count != 2)
            throw Fail("is not the bias of a MatMul; the importer takes Add only as the bias right after a MatMul");
        int data = node.Input[0] == _current ? 0 : node.Input[1] == _current ? 1 : throw NotOnChain(node.Input[0]);
        string biasName = node.Input[1 - data];
        TensorProto bias = _constants.TryGetValue(biasName, out TensorProto? constant) ? constant : throw NotConstant(biasName, "bias");
        int units = layer.Output.Channels;
        float[] values = BiasValues(bias, units);
        layer.Bias = values;
        layer.BiasSource = bias.Name.Length > 0 ? bias.Name : biasName;
    }

    private void Flatten(NodeProto node)
    {
        var attributes = new NodeAttributes(node, _label, "axis");
        ReadData(node);
        long axis = attributes.Int("axis", 1);
        if (axis != 1) throw Fail($"has axis {axis}; the importer takes Flatten to [batch, values] (axis 1)");
        _flat = true;
    }

    private void Reshape(NodeProto node)
    {
        var attributes = new NodeAttributes(node, _label, "allowzero");
        ReadData(node);
        TensorProto shapeTensor = ConstantInput(node, 1, "shape") ?? throw Fail("has no shape input");
        long[] shape = TensorValues.Integers(shapeTensor, $"{_label}: its shape");
        int size = _shape.Size;
        // 0 copies the input's dimension (the batch) unless allowzero says it is a zero; -1 is what is left.
        bool keepsBatch = shape.Length == 2 && (shape[0] == -1 || shape[0] == 0 && attributes.Int("allowzero", 0) == 0);
        if (!keepsBatch || !(shape[1] == size || shape[1] == -1 && shape[0] == 0))
            throw Fail($"reshapes to {NodeAttributes.Text(shape)}; the importer takes a Reshape that flattens each image's {size} values ([-1, {size}] or [0, -1])");
        _flat = true;
    }

    private void Pad(NodeProto node)
    {
        var attributes = new NodeAttributes(node, _label, "mode", "pads", "value");
        ReadData(node);
        NotFlat();
        string mode = attributes.String("mode", "constant");
        if (mode != "constant") throw Fail($"has mode '{mode}'; the generator's pad layers fill a constant");
        // Opset 11 moved pads and the value from attributes to inputs.
        long[] pads = attributes.Ints("pads")
            ?? (ConstantInput(node, 1, "pads") is { } padsTensor ? TensorValues.Integers(padsTensor, $"{_label}: its pads") : throw Fail("has no pads"));
        float value = attributes.Float("value", 0);
        if (ConstantInput(node, 2, "constant_value") is { } valueTensor)
        {
            float[] values = TensorValues.Floats(valueTensor, $"{_label}: its constant_value");
            value = values.Length == 1 ? values[0] : throw Fail($"has a constant_value of {values.Length} values, not one");
        }
        if (node.Input.Count > 3 && node.Input[3].Length > 0) throw Fail("has an axes input; the importer takes pads for every axis");
        long p = pads.Length == 8 ? pads[2] : -1;
        if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || p < 1 || p > 1 << 16 || pads[3] != p || pads[6] != p || pads[7] != p)
            throw Fail($"has pads {NodeAttributes.Text(pads)}; the generator's pad layers add the same border on every side of the height and width ([0, 0, p, p, 0, 0, p, p])");
        int padding = (int)p;
        Add(new ImportedLayer
        {
            Kind = LayerKind.Pad, Input = _shape, Output = new FeatureShape(_shape.Channels, _shape.Height + 2 * padding, _shape.Width + 2 * padding),
            Padding = padding, PadValue = value, NodeName = node.Name,
        });
    }

    private void Softmax(NodeProto node)
    {
        var attributes = new NodeAttributes(node, _label, "axis");
        ReadData(node);
        long axis = attributes.Int("axis", -1);
        if (!_flat || axis is not (1 or -1)) throw Fail($"takes a softmax over axis {axis} of a {(_flat ? "[batch, classes]" : _shape.ToString())} value; the importer drops only a final softmax over the classes");
        _droppedOutputs.Add(node.Output[0]);
    }

    private void CheckOutputs(GraphProto graph)
    {
        _label = _source;
        if (_layers.Count == 0) throw new OnnxImportException($"{_source}: the graph has no layer the importer translates");
        string[] outputs = graph.Output.Select(o => o.Name).ToArray();
        string? stray = outputs.FirstOrDefault(o => o != _current && !_droppedOutputs.Contains(o));
        if (stray is not null)
            throw new OnnxImportException($"{_source}: graph output '{stray}' is not the network's logits ('{_current}'); the importer takes a network with one output, its logits (or their softmax)");
        if (outputs.Length == 0) throw new OnnxImportException($"{_source}: the graph has no output");
        if (ClassCount < 2) throw new OnnxImportException($"{_source}: the network gives {ClassCount} value per image; a classifier gives one per class, at least 2");
    }

    private void Add(ImportedLayer layer)
    {
        _layers.Add(layer);
        _shape = layer.Output;
        if (layer.Kind == LayerKind.Dense) _flat = true;
    }

    private void NotFlat()
    {
        if (_flat) throw Fail("reads a flattened value; the generator's image layers come before the dense ones");
    }

    private void ReadData(NodeProto node)
    {
        string input = DataInput(node, 0);
        if (input != _current) throw NotOnChain(input);
    }

    private string DataInput(NodeProto node, int index) => index < node.Input.Count && node.Input[index].Length > 0 ? node.Input[index] : throw Fail($"has no input {index + 1}");

    private TensorProto? ConstantInput(NodeProto node, int index, string what)
    {
        if (index >= node.Input.Count || node.Input[index].Length == 0) return null;
        string name = node.Input[index];
        return _constants.TryGetValue(name, out TensorProto? tensor) ? tensor : throw NotConstant(name, what);
    }

    private (TensorProto Tensor, int[] Shape) Weight(NodeProto node, int index, int rank)
    {
        TensorProto weight = ConstantInput(node, index, "weight") ?? throw Fail("has no weight input");
        int[] shape = TensorValues.Shape(weight, Initializer(weight));
        if (shape.Length != rank || shape.Any(d => d == 0)) throw Fail($"has weight '{weight.Name}' of shape {Text(shape)}, not a {rank}-D tensor");
        return (weight, shape);
    }

    private (float[] Values, string Source) Bias(NodeProto node, int index, int units)
    {
        TensorProto? bias = ConstantInput(node, index, "bias");
        return bias is null ? (new float[units], "") : (BiasValues(bias, units), bias.Name);
    }

    /// <summary>A bias of <paramref name="units"/> values, <c>[units]</c> or <c>[1, units]</c>.</summary>
    private float[] BiasValues(TensorProto bias, int units)
    {
        int[] shape = TensorValues.Shape(bias, Initializer(bias));
        if (!(shape.Length == 1 && shape[0] == units || shape.Length == 2 && shape[0] == 1 && shape[1] == units))
            throw Fail($"has bias '{bias.Name}' of shape {Text(shape)}, not [{units}]");
        return TensorValues.Floats(bias, Initializer(bias));
    }

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var transposed = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) transposed[c * rows + r] = values[r * columns + c];
        }
        return transposed;
    }

    private void Dilations(NodeAttributes attributes)
    {
        if (attributes.Ints("dilations") is { } dilations && dilations.Any(d => d != 1))
            throw Fail($"has dilations {NodeAttributes.Text(dilations)}; the generator's layers take none (1)");
    }

    /// <summary>The one value of a two-value attribute (height, width) such as strides, 1 when absent.</summary>
    private int Square(long[]? values, string name)
    {
        if (values is null) return 1;
        if (values.Length != 2 || values[0] != values[1] || values[0] is < 1 or > 1 << 16)
            throw Fail($"has {name} {NodeAttributes.Text(values)}; the generator takes the same positive value for the height and the width");
        return (int)values[0];
    }

    /// <summary>The padding on every side: pads <c>[top, left, bottom, right]</c> all equal, and no automatic padding.</summary>
    private int Pads(NodeAttributes attributes)
    {
        string autoPad = attributes.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or ""))
            throw Fail($"has auto_pad {autoPad}; the importer takes explicit pads");
        long[]? pads = attributes.Ints("pads");
        if (pads is null || autoPad == "VALID") return 0;
        if (pads.Length != 4 || pads.Any(p => p != pads[0]) || pads[0] is < 0 or > 1 << 16)
            throw Fail($"has pads {NodeAttributes.Text(pads)}; the generator pads every side alike");
        return (int)pads[0];
    }

    private string Initializer(TensorProto tensor) => $"{_source}: initializer '{tensor.Name}'";

    private static string Text(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private OnnxImportException NotOnChain(string input) => _droppedOutputs.Contains(input)
        ? Fail($"reads '{input}', the softmax the importer drops; only a final softmax can be dropped")
        : Fail($"reads '{input}', which is not the output of the node before it; the importer takes one chain of layers from the graph's input to its output");

    private OnnxImportException NotConstant(string name, string what)
        => Fail($"has {what} '{name}', which is computed in the graph; the importer takes {what}s that are initializers or Constant nodes");

    private OnnxImportException Fail(string message) => new($"{_label} {message}");
}
