using System.Globalization;
using System.Text.Json;
using LeNet5.Runtime;

namespace LeNet5.Onnx;

/// <summary>
/// The <c>metadata_props</c> an exported model carries, so that a consumer can feed it without the architecture file
/// (ONNX Runtime shows them as <c>ModelMetadata.CustomMetadataMap</c>), and the importer reads back. Values are text:
/// numbers in the invariant culture, lists as JSON arrays.
/// </summary>
public static class OnnxMetadata
{
    /// <summary>The architecture's <c>name</c>, for example <c>LeNet5</c>.</summary>
    public const string Network = "network";

    /// <summary>One image's shape <c>[channels, height, width]</c>, for example <c>[1, 28, 28]</c>; the graph input adds the batch.</summary>
    public const string InputShape = "input_shape";

    /// <summary>
    /// <c>[background, foreground]</c>: the values a pixel of 0 and of 255 become, linear in between (the architecture's
    /// <c>input.scale</c>), for example <c>[-0.42421296, 2.8214867]</c>.
    /// </summary>
    public const string InputScale = "input_scale";

    /// <summary>The same scaling as <c>(pixel / 255 - mean) / std</c>: the mean, for example <c>0.1307</c>.</summary>
    public const string InputMean = "input_mean";

    /// <summary>The same scaling as <c>(pixel / 255 - mean) / std</c>: the standard deviation, for example <c>0.3081</c>.</summary>
    public const string InputStd = "input_std";

    /// <summary>The class names in the order of the outputs, a JSON array of strings.</summary>
    public const string ClassNames = "class_names";

    /// <summary>The entries for a network.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Of(string network, FeatureShape input, InputScaling scaling, IReadOnlyList<string> classNames)
    {
        // pixel / 255 maps to background + (foreground - background) x, which is (x - mean) / std for these.
        double std = 1.0 / ((double)scaling.Foreground - scaling.Background);
        double mean = -scaling.Background * std;
        return
        [
            new(Network, network),
            new(InputShape, $"[{input.Channels}, {input.Height}, {input.Width}]"),
            new(InputScale, $"[{Number(scaling.Background)}, {Number(scaling.Foreground)}]"),
            new(InputMean, mean.ToString("G6", CultureInfo.InvariantCulture)),
            new(InputStd, std.ToString("G6", CultureInfo.InvariantCulture)),
            new(ClassNames, StringArray(classNames)),
        ];
    }

    /// <summary>A float as the shortest text that reads back to it.</summary>
    internal static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary><see cref="InputScale"/>'s text read back, or null if it is not two different finite numbers.</summary>
    internal static InputScaling? ParseScale(string text)
    {
        List<JsonElement>? items = ParseArray(text);
        if (items is not [{ ValueKind: JsonValueKind.Number } first, { ValueKind: JsonValueKind.Number } second]
            || !first.TryGetSingle(out float background) || !second.TryGetSingle(out float foreground)) return null;
        return float.IsFinite(background) && float.IsFinite(foreground) && background != foreground ? new InputScaling(background, foreground) : null;
    }

    /// <summary><see cref="ClassNames"/>'s text read back, or null if it is not a JSON array of non-empty strings.</summary>
    internal static string[]? ParseClassNames(string text)
    {
        List<JsonElement>? items = ParseArray(text);
        if (items is null || items.Any(item => item.ValueKind != JsonValueKind.String || item.GetString() is null or "")) return null;
        return items.Select(item => item.GetString()!).ToArray();
    }

    private static string StringArray(IReadOnlyList<string> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (string value in values) writer.WriteStringValue(value);
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static List<JsonElement>? ParseArray(string text)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().Select(item => item.Clone()).ToList() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
