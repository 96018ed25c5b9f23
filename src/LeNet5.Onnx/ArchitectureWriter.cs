using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LeNet5.Runtime;

namespace LeNet5.Onnx;

/// <summary>
/// Writes an imported network as an architecture file laid out like the repository's own: one line per layer, settings
/// only where they differ from the generator's defaults, except a pad layer's value, which is always written (the
/// default has changed meaning before, and the imported model's border must not).
/// </summary>
internal static class ArchitectureWriter
{
    public static string Write(ImportedNetwork network)
    {
        var text = new StringBuilder();
        text.Append("{\n");
        text.Append("  \"$schema\": \"./architecture.schema.json\",\n");
        text.Append($"  \"name\": {Quote(network.Name)},\n");
        FeatureShape input = network.Input;
        text.Append(Invariant($"  \"input\": {{ \"channels\": {input.Channels}, \"height\": {input.Height}, \"width\": {input.Width}"));
        if (network.InputScaling != InputScaling.Standardized)
            text.Append($", \"scale\": [{OnnxMetadata.Number(network.InputScaling.Background)}, {OnnxMetadata.Number(network.InputScaling.Foreground)}]");
        text.Append(" },\n");
        text.Append(Invariant($"  \"classes\": {network.ClassNames.Count},\n"));
        if (!network.ClassNames.SequenceEqual(Enumerable.Range(0, network.ClassNames.Count).Select(i => i.ToString(CultureInfo.InvariantCulture))))
            text.Append($"  \"classNames\": [{string.Join(", ", network.ClassNames.Select(Quote))}],\n");
        text.Append("  \"layers\": [\n");
        for (int i = 0; i < network.Layers.Count; i++)
        {
            text.Append("    ").Append(Layer(network.Layers[i]));
            text.Append(i < network.Layers.Count - 1 ? ",\n" : "\n");
        }
        text.Append("  ]\n");
        text.Append("}\n");
        return text.ToString();
    }

    private static string Layer(LayerDescription layer)
    {
        var fields = new List<string> { $"\"name\": {Quote(layer.Name)}", $"\"kind\": {Quote(LayerKinds.Name(layer.Kind))}" };
        switch (layer.Kind)
        {
            case LayerKind.Pad:
                fields.Add(Invariant($"\"padding\": {layer.Padding}"));
                fields.Add($"\"value\": {OnnxMetadata.Number(layer.PadValue)}");
                break;
            case LayerKind.Conv2d:
                fields.Add(Invariant($"\"filters\": {layer.Output.Channels}"));
                fields.Add(Invariant($"\"kernel\": {layer.Kernel}"));
                if (layer.Stride != 1) fields.Add(Invariant($"\"stride\": {layer.Stride}"));
                if (layer.Padding != 0) fields.Add(Invariant($"\"padding\": {layer.Padding}"));
                break;
            case LayerKind.AvgPool2d or LayerKind.MaxPool2d:
                fields.Add(Invariant($"\"size\": {layer.Kernel}"));
                break;
            case LayerKind.Dense:
                fields.Add(Invariant($"\"units\": {layer.Output.Channels}"));
                break;
            case LayerKind.SparseConv2d or LayerKind.Subsample2d or LayerKind.Rbf or LayerKind.Dropout:
                throw new InvalidOperationException($"layer '{layer.Name}': ONNX import makes no {LayerKinds.Name(layer.Kind)} layers");
            default:
                throw new ArgumentOutOfRangeException(nameof(layer), layer.Kind, "not a layer kind");
        }
        if (layer.Activation != ActivationKind.None) fields.Add($"\"activation\": {Quote(Activations.Name(layer.Activation))}");
        return "{ " + string.Join(", ", fields) + " }";
    }

    // Relaxed escaping keeps class names such as "T-shirt/top" readable; the file is never embedded in HTML.
    private static string Quote(string value) => "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
