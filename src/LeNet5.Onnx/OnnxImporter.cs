using System.Globalization;
using Google.Protobuf;
using LeNet5.Onnx.Proto;
using LeNet5.Runtime;

namespace LeNet5.Onnx;

/// <summary>
/// Reads an ONNX model of a network the generator supports, as PyTorch's <c>torch.onnx.export</c> writes it (and as
/// <see cref="OnnxExporter"/> does), into an architecture and a checkpoint (<see cref="ImportedNetwork"/>). The graph
/// must be one chain of <see cref="Operators"/> from an image input <c>[batch, C, H, W]</c> to the logits; any other
/// operator, and any attribute the generator's layers cannot express (unequal strides, dilations, groups, automatic
/// padding, ...), is refused with one line naming it and the node.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The name an imported architecture gets when neither the options nor the model give one: the template project's.</summary>
    public const string DefaultName = "LeNet5";

    /// <summary>The operators the importer translates.</summary>
    public static IReadOnlyList<string> Operators => GraphTranslation.Operators;

    /// <summary>Reads the ONNX file <paramref name="path"/>.</summary>
    /// <exception cref="OnnxImportException">The file cannot be read, is not ONNX, or holds a network the generator cannot express.</exception>
    public static ImportedNetwork Import(string path, OnnxImportOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new OnnxImportException("the ONNX model's path is empty");
        if (Directory.Exists(path)) throw new OnnxImportException($"{path}: is a folder, not an ONNX model");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OnnxImportException($"{path}: ONNX model not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException($"{path}: cannot read the ONNX model: {e.Message}", e);
        }
        return Import(bytes, path, options);
    }

    /// <summary>Reads an ONNX model already in memory; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="OnnxImportException">The bytes are not ONNX, or hold a network the generator cannot express.</exception>
    public static ImportedNetwork Import(ReadOnlySpan<byte> model, string source, OnnxImportOptions? options = null)
    {
        options ??= new OnnxImportOptions();
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"{source}: not an ONNX model (the protobuf data is malformed: {e.Message})", e);
        }
        if (proto.Graph is null || proto.IrVersion <= 0)
            throw new OnnxImportException($"{source}: not an ONNX model (it has no {(proto.Graph is null ? "graph" : "IR version")})");
        if (!proto.OpsetImport.Any(o => o.Domain is "" or "ai.onnx"))
            throw new OnnxImportException($"{source}: the model imports no version of the default ONNX operator set");

        GraphTranslation graph = GraphTranslation.Of(proto.Graph, source);
        Dictionary<string, string> metadata = proto.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

        string name = options.Name ?? (metadata.TryGetValue(OnnxMetadata.Network, out string? network) && LayerNames.IsLayerName(network) ? network : DefaultName);
        if (!LayerNames.IsLayerName(name))
            throw new OnnxImportException($"'{name}' is not a network name: it must start with a letter or '_' and hold only letters, digits and '_'");
        InputScaling scaling = options.InputScaling
            ?? (metadata.TryGetValue(OnnxMetadata.InputScale, out string? scale) ? OnnxMetadata.ParseScale(scale) : null)
            ?? InputScaling.Standardized;
        string[] classNames = metadata.TryGetValue(OnnxMetadata.ClassNames, out string? namesText) && OnnxMetadata.ParseClassNames(namesText) is { } names && names.Length == graph.ClassCount
            ? names
            : Enumerable.Range(0, graph.ClassCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

        (FeatureShape input, List<ImportedLayer> layers) = Unpadded(graph, options.InputPadding, scaling, source);
        string[] layerNames = LayerNames.Choose(layers);
        var descriptions = new LayerDescription[layers.Count];
        var tensors = new List<ParameterTensor>();
        var parameters = new List<float>();
        for (int i = 0; i < layers.Count; i++)
        {
            ImportedLayer layer = layers[i];
            descriptions[i] = layer.Describe(layerNames[i]);
            if (layer.Weight is null) continue;
            int[] weightShape = layer.Kind == LayerKind.Conv2d
                ? [layer.Output.Channels, layer.Input.Channels, layer.Kernel, layer.Kernel]
                : [layer.Output.Channels, layer.Input.Size];
            tensors.Add(new ParameterTensor(layerNames[i] + ".weight", parameters.Count, weightShape));
            parameters.AddRange(layer.Weight);
            tensors.Add(new ParameterTensor(layerNames[i] + ".bias", parameters.Count, [layer.Output.Channels]));
            parameters.AddRange(layer.Bias!);
        }
        string producer = proto.ProducerName.Length == 0 ? "" : $" ({proto.ProducerName}{(proto.ProducerVersion.Length > 0 ? " " + proto.ProducerVersion : "")})";
        return new ImportedNetwork(name, input, scaling, classNames, descriptions, tensors, [.. parameters], Path.GetFileName(source) + producer);
    }

    /// <summary>
    /// The architecture's input and layers: the graph's, or with <paramref name="padding"/>, the image before the
    /// padding the model's input already had, and a pad layer that adds it with the input's background.
    /// </summary>
    private static (FeatureShape Input, List<ImportedLayer> Layers) Unpadded(GraphTranslation graph, int padding, InputScaling scaling, string source)
    {
        FeatureShape padded = graph.Input;
        if (padding == 0) return (padded, [.. graph.Layers]);
        if (padding < 0) throw new OnnxImportException($"the input padding must be 0 or more, not {padding}");
        if (padded.Height <= 2 * padding || padded.Width <= 2 * padding)
            throw new OnnxImportException($"{source}: the model takes {padded.Height}x{padded.Width} images, too small to have been padded by {padding} on every side");
        var input = new FeatureShape(padded.Channels, padded.Height - 2 * padding, padded.Width - 2 * padding);
        var pad = new ImportedLayer
        {
            Kind = LayerKind.Pad, Input = input, Output = padded, Padding = padding, PadValue = scaling.Background, NodeName = "pad",
        };
        return (input, [pad, .. graph.Layers]);
    }
}
