using System.Globalization;

namespace LeNet5.Runtime.Onnx;

/// <summary>
/// Writes a generated network with its parameters as an ONNX model (IR 8, opset 17) from its
/// <see cref="INetwork.Layers"/>: <c>Pad</c>, <c>Conv</c>, <c>AveragePool</c>/<c>MaxPool</c>, <c>Flatten</c>+<c>Gemm</c>,
/// and <c>Tanh</c>/<c>Relu</c>/<c>Sigmoid</c> (scaled tanh as <c>Mul</c>, <c>Tanh</c>, <c>Mul</c>). The graph takes
/// <c>input</c> <c>[batch, C, H, W]</c> (already normalised, as <see cref="INetwork.Infer"/> takes it) and gives
/// <c>logits</c> <c>[batch, classes]</c>; initializers carry the PyTorch <c>state_dict</c> names.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The graph input's name.</summary>
    public const string InputName = "input";

    /// <summary>The graph output's name.</summary>
    public const string OutputName = "logits";

    /// <summary>The default-domain operator set the model is written against.</summary>
    public const long OpsetVersion = OnnxModelBuilder.OpsetVersion;

    /// <summary>The layer kinds the exporter translates.</summary>
    public static IReadOnlyList<string> SupportedKinds { get; } = ["pad", "conv2d", "avgpool2d", "maxpool2d", "dense"];

    /// <summary>Serialises <typeparamref name="TNetwork"/> with <paramref name="parameters"/> as an ONNX model.</summary>
    /// <exception cref="OnnxExportException">A layer kind or activation has no ONNX translation.</exception>
    public static byte[] Export<TNetwork>(ReadOnlySpan<float> parameters) where TNetwork : struct, INetwork
    {
        if (parameters.Length != TNetwork.ParameterCount)
            throw new ArgumentException($"{TNetwork.Name} has {TNetwork.ParameterCount} parameters, not {parameters.Length}", nameof(parameters));
        var input = new FeatureShape(TNetwork.InputChannels, TNetwork.InputHeight, TNetwork.InputWidth);
        return Export(TNetwork.Name, input, TNetwork.ClassCount, TNetwork.Layers, TNetwork.ParameterTensors, parameters);
    }

    /// <summary>Writes <typeparamref name="TNetwork"/> with <paramref name="parameters"/> to the ONNX file <paramref name="path"/>.</summary>
    /// <exception cref="OnnxExportException">A layer kind or activation has no ONNX translation.</exception>
    public static void Export<TNetwork>(string path, ReadOnlySpan<float> parameters) where TNetwork : struct, INetwork
    {
        byte[] model = Export<TNetwork>(parameters);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, model);
    }

    private static byte[] Export(
        string name, FeatureShape inputShape, int classCount, IReadOnlyList<LayerDescription> layers, IReadOnlyList<ParameterTensor> tensors, ReadOnlySpan<float> parameters)
    {
        foreach (LayerDescription layer in layers)
        {
            if (!SupportedKinds.Contains(layer.Kind))
            {
                throw new OnnxExportException(
                    $"{name} cannot be exported to ONNX: layer '{layer.Name}' is of kind '{layer.Kind}', which the exporter does not translate (it knows {string.Join(", ", SupportedKinds)})");
            }
            if (layer.Activation is not ("none" or "tanh" or "relu" or "sigmoid" or "scaled_tanh"))
                throw new OnnxExportException($"{name} cannot be exported to ONNX: layer '{layer.Name}' has activation '{layer.Activation}', which the exporter does not translate");
        }

        var model = new OnnxModelBuilder();
        model.Input(InputName, [-1, inputShape.Channels, inputShape.Height, inputShape.Width]);
        string current = InputName;
        bool flat = false;
        for (int index = 0; index < layers.Count; index++)
        {
            LayerDescription layer = layers[index];
            bool last = index == layers.Count - 1;
            string output = last && layer.Activation == "none" ? OutputName : layer.Name;
            switch (layer.Kind)
            {
                case "pad":
                {
                    long p = layer.Padding;
                    string pads = model.Int64Initializer(layer.Name + ".pads", [8], [0, 0, p, p, 0, 0, p, p]);
                    string value = model.FloatInitializer(layer.Name + ".value", [], [layer.PadValue]);
                    current = model.Node("Pad", layer.Name, [current, pads, value], output);
                    break;
                }
                case "conv2d":
                {
                    (string weight, string bias) = Parameters(model, layer, tensors, parameters);
                    long k = layer.Kernel, s = layer.Stride, p = layer.Padding;
                    current = model.Node("Conv", layer.Name, [current, weight, bias], output,
                        NodeAttribute.Ints("kernel_shape", k, k), NodeAttribute.Ints("strides", s, s), NodeAttribute.Ints("pads", p, p, p, p));
                    break;
                }
                case "avgpool2d":
                case "maxpool2d":
                {
                    long k = layer.Kernel, s = layer.Stride;
                    current = model.Node(layer.Kind == "avgpool2d" ? "AveragePool" : "MaxPool", layer.Name, [current], output,
                        NodeAttribute.Ints("kernel_shape", k, k), NodeAttribute.Ints("strides", s, s));
                    break;
                }
                default: // dense
                {
                    if (!flat)
                    {
                        current = model.Node("Flatten", layer.Name + ".flatten", [current], layer.Name + ".flat", NodeAttribute.Int("axis", 1));
                        flat = true;
                    }
                    (string weight, string bias) = Parameters(model, layer, tensors, parameters);
                    current = model.Node("Gemm", layer.Name, [current, weight, bias], output, NodeAttribute.Int("transB", 1));
                    break;
                }
            }
            current = Activation(model, layer, current, last ? OutputName : layer.Name + "." + layer.Activation);
        }
        model.Output(OutputName, [-1, classCount]);

        string doc = string.Create(CultureInfo.InvariantCulture,
            $"{name} exported by LeNet5.Generated: input {InputName} [batch, {inputShape.Channels}, {inputShape.Height}, {inputShape.Width}] normalised as ((x / 255) - 0.1307) / 0.3081, output {OutputName} [batch, {classCount}]");
        return model.Build(name, typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0", doc);
    }

    private static string Activation(OnnxModelBuilder model, LayerDescription layer, string input, string output)
    {
        switch (layer.Activation)
        {
            case "tanh": return model.Node("Tanh", layer.Name + ".tanh", [input], output);
            case "relu": return model.Node("Relu", layer.Name + ".relu", [input], output);
            case "sigmoid": return model.Node("Sigmoid", layer.Name + ".sigmoid", [input], output);
            case "scaled_tanh":
            {
                // 1.7159 * tanh(2x / 3), as the paper defines it.
                string slope = model.FloatInitializer(layer.Name + ".slope", [], [2f / 3f]);
                string amplitude = model.FloatInitializer(layer.Name + ".amplitude", [], [1.7159f]);
                string scaled = model.Node("Mul", layer.Name + ".scale_in", [input, slope], layer.Name + ".scaled");
                string tanh = model.Node("Tanh", layer.Name + ".tanh", [scaled], layer.Name + ".tanh_out");
                return model.Node("Mul", layer.Name + ".scale_out", [tanh, amplitude], output);
            }
            default: return input;
        }
    }

    private static (string Weight, string Bias) Parameters(OnnxModelBuilder model, LayerDescription layer, IReadOnlyList<ParameterTensor> tensors, ReadOnlySpan<float> parameters)
    {
        if (layer.ParameterNames.Count != 2)
            throw new OnnxExportException($"layer '{layer.Name}' of kind '{layer.Kind}' should have a weight and a bias, not {layer.ParameterNames.Count} tensors");
        return (Initializer(model, layer, layer.ParameterNames[0], tensors, parameters), Initializer(model, layer, layer.ParameterNames[1], tensors, parameters));
    }

    private static string Initializer(OnnxModelBuilder model, LayerDescription layer, string tensorName, IReadOnlyList<ParameterTensor> tensors, ReadOnlySpan<float> parameters)
    {
        ParameterTensor tensor = tensors.FirstOrDefault(t => t.Name == tensorName)
            ?? throw new OnnxExportException($"layer '{layer.Name}' names parameter tensor '{tensorName}', which the network does not have");
        int[] expected = tensorName == layer.ParameterNames[1] ? [layer.Output.Channels]
            : layer.Kind == "conv2d" ? [layer.Output.Channels, layer.Input.Channels, layer.Kernel, layer.Kernel]
            : [layer.Output.Channels, layer.Input.Size];
        if (!tensor.Shape.AsSpan().SequenceEqual(expected))
        {
            throw new OnnxExportException(
                $"layer '{layer.Name}' of kind '{layer.Kind}' has tensor '{tensor.Name}' of shape {tensor.ShapeText}, not the [{string.Join(", ", expected)}] an ONNX {(layer.Kind == "conv2d" ? "Conv" : "Gemm")} needs");
        }
        long[] dims = tensor.Shape.Select(d => (long)d).ToArray();
        return model.FloatInitializer(tensor.Name, dims, parameters.Slice(tensor.Offset, tensor.Length));
    }
}
