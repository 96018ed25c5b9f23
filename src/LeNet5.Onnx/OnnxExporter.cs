using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using LeNet5.Onnx.Proto;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;

namespace LeNet5.Onnx;

/// <summary>
/// Writes a generated network with its parameters as an ONNX model (IR 8, opset 17) from its
/// <see cref="NetworkDescription.Layers"/>. The graph takes <c>input</c> <c>[batch, C, H, W]</c> (already scaled, as
/// <see cref="INetwork.Infer"/> takes it) and gives <c>logits</c> <c>[batch, classes]</c>, the generated code's logits,
/// and on request <c>probabilities</c>, their softmax. The model names its producer and version, and its
/// <c>metadata_props</c> (<see cref="OnnxMetadata"/>) say how to feed it: the input shape, the input scaling and the
/// class names. Each layer kind becomes:
/// <list type="bullet">
/// <item><c>pad</c>: <c>Pad</c> with the pad value; <c>conv2d</c>: <c>Conv</c>; <c>avgpool2d</c>/<c>maxpool2d</c>:
/// <c>AveragePool</c>/<c>MaxPool</c>; <c>dense</c>: <c>Flatten</c> (once) and <c>Gemm</c>.</item>
/// <item><c>sparse_conv2d</c>: a <c>Conv</c> whose weight <c>{layer}.weight.dense</c> <c>[filters, inputs, k, k]</c> holds the
/// packed kernels of <c>{layer}.weight</c> <c>[connections, k, k]</c> where the connection table has a connection and
/// zeros where it has none.</item>
/// <item><c>subsample2d</c>: a depthwise <c>Conv</c> (one group per map, stride = window) whose weight
/// <c>{layer}.weight.depthwise</c> <c>[channels, 1, k, k]</c> repeats each map's coefficient of <c>{layer}.weight</c> over its
/// window, so it computes coefficient x window sum + bias.</item>
/// <item><c>rbf</c>: <c>Flatten</c> (once), <c>Unsqueeze</c>, <c>Sub</c> of the fixed prototypes <c>{layer}.prototypes</c>
/// <c>[units, inputs]</c>, <c>ReduceSumSquare</c> and <c>Neg</c>: minus the squared distance to each prototype.</item>
/// </list>
/// Activations are <c>Tanh</c>/<c>Relu</c>/<c>Sigmoid</c>, and scaled tanh <c>Mul</c>, <c>Tanh</c>, <c>Mul</c>. Initializers
/// carry the PyTorch <c>state_dict</c> names; the two rearranged weights above have a suffix and a doc string saying so.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The graph input's name.</summary>
    public const string InputName = "input";

    /// <summary>The graph output's name.</summary>
    public const string OutputName = "logits";

    /// <summary>The name of the optional second output, the softmax of the logits (<see cref="OnnxExportOptions.Probabilities"/>).</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>The IR version written (ONNX 1.10 and later read it).</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain operator set the model is written against.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The model's <c>producer_name</c>.</summary>
    public const string ProducerName = "LeNet5.Generated";

    /// <summary>The model's <c>producer_version</c>: this package's version.</summary>
    public static string ProducerVersion { get; } = Version();

    /// <summary>Serialises <typeparamref name="TNetwork"/> with <paramref name="parameters"/> as an ONNX model.</summary>
    /// <exception cref="OnnxExportException">The model version is negative, or the description's tensors do not fit its layers.</exception>
    public static byte[] Export<TNetwork>(ReadOnlySpan<float> parameters, OnnxExportOptions? options = null) where TNetwork : struct, INetwork
    {
        NetworkDescription network = TNetwork.Description;
        if (parameters.Length != network.ParameterCount)
            throw new ArgumentException($"{network.Name} has {network.ParameterCount} parameters, not {parameters.Length}", nameof(parameters));
        options ??= new OnnxExportOptions();
        if (options.ModelVersion < 0) throw new OnnxExportException($"the model version must be 0 or more, not {options.ModelVersion}");
        GraphProto graph = Graph(network, parameters, options.Probabilities);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersion,
            ModelVersion = options.ModelVersion,
            DocString = Description(network, options.Probabilities),
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        foreach ((string key, string value) in OnnxMetadata.Of(network.Name, network.Input, network.InputScaling, network.ClassNames))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model.ToByteArray();
    }

    /// <summary>
    /// Writes <typeparamref name="TNetwork"/> with <paramref name="parameters"/> to the ONNX file <paramref name="path"/>.
    /// The file is written atomically (<see cref="AtomicFile"/>): a failed write, a full disk say, leaves no partial model.
    /// </summary>
    /// <exception cref="OnnxExportException">The model version is negative, or the description's tensors do not fit its layers.</exception>
    /// <exception cref="LeNet5Exception">The file cannot be written.</exception>
    public static void Export<TNetwork>(string path, ReadOnlySpan<float> parameters, OnnxExportOptions? options = null) where TNetwork : struct, INetwork
    {
        byte[] model = Export<TNetwork>(parameters, options);
        try
        {
            AtomicFile.Write(path, model);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeNet5Exception($"{path}: cannot write the ONNX model: {e.Message}", e);
        }
    }

    private static GraphProto Graph(NetworkDescription network, ReadOnlySpan<float> parameters, bool probabilities)
    {
        IReadOnlyList<LayerDescription> layers = network.Layers;
        IReadOnlyList<ParameterTensor> tensors = network.ParameterTensors;
        int classCount = network.ClassCount;
        var model = new OnnxGraphBuilder();
        model.Input(InputName, [-1, network.Input.Channels, network.Input.Height, network.Input.Width]);
        string current = InputName;
        bool flat = false;
        for (int index = 0; index < layers.Count; index++)
        {
            LayerDescription layer = layers[index];
            bool last = index == layers.Count - 1;
            if (layer.Kind is LayerKind.Dense or LayerKind.Rbf && !flat)
            {
                current = model.Node("Flatten", layer.Name + ".flatten", [current], layer.Name + ".flat", OnnxGraphBuilder.Int("axis", 1));
                flat = true;
            }
            string output = last && layer.Activation == ActivationKind.None ? OutputName : layer.Name;
            current = Layer(model, layer, current, output, tensors, parameters);
            current = Activation(model, layer, current, last ? OutputName : layer.Name + "." + Activations.Name(layer.Activation));
        }
        model.Output(OutputName, [-1, classCount]);
        if (probabilities)
        {
            model.Node("Softmax", "softmax", [current], ProbabilitiesName, OnnxGraphBuilder.Int("axis", 1));
            model.Output(ProbabilitiesName, [-1, classCount]);
        }
        GraphProto graph = model.Graph;
        graph.Name = network.Name;
        return graph;
    }

    /// <summary>The model's doc string: what goes in and what comes out, for a person reading the file.</summary>
    private static string Description(NetworkDescription network, bool probabilities)
    {
        InputScaling scaling = network.InputScaling;
        FeatureShape inputShape = network.Input;
        string inputText = scaling == InputScaling.Standardized
            ? "normalised as ((x / 255) - 0.1307) / 0.3081"
            : string.Create(CultureInfo.InvariantCulture, $"scaled linearly from {scaling.Background} (pixel 0) to {scaling.Foreground} (pixel 255)");
        string outputs = probabilities ? $"outputs {OutputName} and {ProbabilitiesName} (their softmax)" : $"output {OutputName}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{network.Name} exported by {ProducerName}: input {InputName} [batch, {inputShape.Channels}, {inputShape.Height}, {inputShape.Width}] {inputText}, {outputs} [batch, {network.ClassCount}]");
    }

    private static string Version()
    {
        string? version = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // The SDK appends "+<commit>" (source link); the package version is what a reader can look up.
        return version?.Split('+')[0] ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0";
    }

    /// <summary>Adds the nodes of one layer, before its activation; returns their output.</summary>
    private static string Layer(
        OnnxGraphBuilder model, LayerDescription layer, string input, string output, IReadOnlyList<ParameterTensor> tensors, ReadOnlySpan<float> parameters)
    {
        int channels = layer.Output.Channels, k = layer.Kernel;
        switch (layer.Kind)
        {
            case LayerKind.Pad:
            {
                long p = layer.Padding;
                string pads = model.Int64Initializer(layer.Name + ".pads", [8], [0, 0, p, p, 0, 0, p, p]);
                string value = model.FloatInitializer(layer.Name + ".value", [], [layer.PadValue]);
                return model.Node("Pad", layer.Name, [input, pads, value], output);
            }
            case LayerKind.Conv2d:
            {
                int[] shape = [channels, layer.Input.Channels, k, k];
                string weight = model.FloatInitializer(layer.ParameterNames[0], [.. shape], Tensor(layer, 0, shape, tensors, parameters));
                return Conv(model, layer, input, weight, Bias(model, layer, tensors, parameters), output, groups: 1, layer.Stride, layer.Padding);
            }
            case LayerKind.SparseConv2d:
            {
                int connections = layer.Connections.Sum(row => row.Count);
                ReadOnlySpan<float> packed = Tensor(layer, 0, [connections, k, k], tensors, parameters);
                string weight = model.FloatInitializer(layer.ParameterNames[0] + ".dense", [channels, layer.Input.Channels, k, k], Unpack(layer, packed),
                    $"{layer.ParameterNames[0]} [{connections}, {k}, {k}] unpacked by {layer.Name}'s connection table: zeros where a filter does not read an input map");
                return Conv(model, layer, input, weight, Bias(model, layer, tensors, parameters), output, groups: 1, layer.Stride, layer.Padding);
            }
            case LayerKind.Subsample2d:
            {
                ReadOnlySpan<float> coefficients = Tensor(layer, 0, [channels], tensors, parameters);
                var repeated = new float[channels * k * k];
                for (int c = 0; c < channels; c++) repeated.AsSpan(c * k * k, k * k).Fill(coefficients[c]);
                string weight = model.FloatInitializer(layer.ParameterNames[0] + ".depthwise", [channels, 1, k, k], repeated,
                    $"{layer.ParameterNames[0]} [{channels}] (one coefficient per map) repeated over each {k}x{k} window");
                return Conv(model, layer, input, weight, Bias(model, layer, tensors, parameters), output, groups: channels, stride: k, padding: 0);
            }
            case LayerKind.Dropout:
                // inverted dropout is the identity in inference, the only pass an exported model runs
                return model.Node("Identity", layer.Name, [input], output);
            case LayerKind.AvgPool2d:
            case LayerKind.MaxPool2d:
                return model.Node(layer.Kind == LayerKind.AvgPool2d ? "AveragePool" : "MaxPool", layer.Name, [input], output,
                    OnnxGraphBuilder.Ints("kernel_shape", k, k), OnnxGraphBuilder.Ints("strides", layer.Stride, layer.Stride));
            case LayerKind.Dense:
            {
                int[] shape = [channels, layer.Input.Size];
                string weight = model.FloatInitializer(layer.ParameterNames[0], [.. shape], Tensor(layer, 0, shape, tensors, parameters));
                return model.Node("Gemm", layer.Name, [input, weight, Bias(model, layer, tensors, parameters)], output, OnnxGraphBuilder.Int("transB", 1));
            }
            case LayerKind.Rbf:
            {
                int units = layer.Output.Size, inputs = layer.Input.Size;
                if (layer.Prototypes.Count != units * inputs)
                    throw new OnnxExportException($"layer '{layer.Name}' of kind 'rbf' has {layer.Prototypes.Count} prototype values, not {units} x {inputs}");
                string prototypes = model.FloatInitializer(layer.Name + ".prototypes", [units, inputs], layer.Prototypes.ToArray(),
                    $"{layer.Name}'s fixed prototypes from the architecture file, one unit per row (constants, not parameters)");
                string axis = model.Int64Initializer(layer.Name + ".unit_axis", [1], [1]);
                string column = model.Node("Unsqueeze", layer.Name + ".unsqueeze", [input, axis], layer.Name + ".column");
                string difference = model.Node("Sub", layer.Name + ".sub", [column, prototypes], layer.Name + ".difference");
                string distance = model.Node("ReduceSumSquare", layer.Name + ".distance", [difference], layer.Name + ".squared_distance",
                    OnnxGraphBuilder.Ints("axes", 2), OnnxGraphBuilder.Int("keepdims", 0));
                return model.Node("Neg", layer.Name, [distance], output);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(layer), layer.Kind, "not a layer kind");
        }
    }

    private static string Conv(OnnxGraphBuilder model, LayerDescription layer, string input, string weight, string bias, string output, long groups, long stride, long padding)
        => model.Node("Conv", layer.Name, [input, weight, bias], output,
            OnnxGraphBuilder.Ints("kernel_shape", layer.Kernel, layer.Kernel), OnnxGraphBuilder.Ints("strides", stride, stride),
            OnnxGraphBuilder.Ints("pads", padding, padding, padding, padding), OnnxGraphBuilder.Int("group", groups));

    /// <summary>Packed kernels <c>[connections, k, k]</c> placed at <c>[filter, input map]</c> of a dense <c>[filters, inputs, k, k]</c> weight.</summary>
    private static float[] Unpack(LayerDescription layer, ReadOnlySpan<float> packed)
    {
        int area = layer.Kernel * layer.Kernel, inputs = layer.Input.Channels;
        var dense = new float[layer.Output.Channels * inputs * area];
        int connection = 0;
        for (int filter = 0; filter < layer.Connections.Count; filter++)
        {
            foreach (int map in layer.Connections[filter])
            {
                packed.Slice(connection * area, area).CopyTo(dense.AsSpan((filter * inputs + map) * area, area));
                connection++;
            }
        }
        return dense;
    }

    private static string Activation(OnnxGraphBuilder model, LayerDescription layer, string input, string output)
    {
        switch (layer.Activation)
        {
            case ActivationKind.None: return input;
            case ActivationKind.Tanh: return model.Node("Tanh", layer.Name + ".tanh", [input], output);
            case ActivationKind.Relu: return model.Node("Relu", layer.Name + ".relu", [input], output);
            case ActivationKind.Sigmoid: return model.Node("Sigmoid", layer.Name + ".sigmoid", [input], output);
            case ActivationKind.ScaledTanh:
            {
                // A tanh(S x), with the generated kernels' constants as floats.
                string slope = model.FloatInitializer(layer.Name + ".slope", [], [(float)Activations.ScaledTanhSlope]);
                string amplitude = model.FloatInitializer(layer.Name + ".amplitude", [], [(float)Activations.ScaledTanhAmplitude]);
                string scaled = model.Node("Mul", layer.Name + ".scale_in", [input, slope], layer.Name + ".scaled");
                string tanh = model.Node("Tanh", layer.Name + ".tanh", [scaled], layer.Name + ".tanh_out");
                return model.Node("Mul", layer.Name + ".scale_out", [tanh, amplitude], output);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(layer), layer.Activation, "not an activation");
        }
    }

    /// <summary>The layer's bias, <c>[output channels]</c>, as the initializer of its <c>state_dict</c> name.</summary>
    private static string Bias(OnnxGraphBuilder model, LayerDescription layer, IReadOnlyList<ParameterTensor> tensors, ReadOnlySpan<float> parameters)
    {
        int[] shape = [layer.Output.Channels];
        return model.FloatInitializer(layer.ParameterNames[1], [.. shape], Tensor(layer, 1, shape, tensors, parameters));
    }

    /// <summary>The values of the layer's weight (<paramref name="index"/> 0) or bias (1), checked against the shape its translation reads.</summary>
    private static ReadOnlySpan<float> Tensor(
        LayerDescription layer, int index, int[] expected, IReadOnlyList<ParameterTensor> tensors, ReadOnlySpan<float> parameters)
    {
        if (layer.ParameterNames.Count != 2)
            throw new OnnxExportException($"layer '{layer.Name}' of kind '{LayerKinds.Name(layer.Kind)}' should have a weight and a bias, not {layer.ParameterNames.Count} tensors");
        string tensorName = layer.ParameterNames[index];
        ParameterTensor tensor = tensors.FirstOrDefault(t => t.Name == tensorName)
            ?? throw new OnnxExportException($"layer '{layer.Name}' names parameter tensor '{tensorName}', which the network does not have");
        if (!tensor.Shape.AsSpan().SequenceEqual(expected))
        {
            throw new OnnxExportException(
                $"layer '{layer.Name}' of kind '{LayerKinds.Name(layer.Kind)}' has tensor '{tensor.Name}' of shape {tensor.ShapeText}, not the [{string.Join(", ", expected)}] its ONNX translation reads");
        }
        return parameters.Slice(tensor.Offset, tensor.Length);
    }
}
