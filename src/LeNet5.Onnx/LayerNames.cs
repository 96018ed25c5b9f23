using System.Text;
using System.Text.RegularExpressions;
using LeNet5.Runtime;

namespace LeNet5.Onnx;

/// <summary>
/// Names the imported layers. A layer with parameters takes the name of its PyTorch module, read from its initializers
/// (<c>c1.weight</c> gives <c>c1</c>, <c>features.0.weight</c> gives <c>features_0</c>); a layer without takes its node's
/// name when that is already a layer name (as LeNet5.Generated's exports write them), else its kind and a number
/// (<c>pool1</c>, <c>pad1</c>). Names are unique ignoring case, as the generator wants them.
/// </summary>
internal static partial class LayerNames
{
    /// <summary>One name per layer, in order.</summary>
    public static string[] Choose(IReadOnlyList<ImportedLayer> layers)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new string?[layers.Count];
        // Module names first, so that a numbered name never takes one a module has.
        for (int i = 0; i < layers.Count; i++)
        {
            string? module = Module(layers[i].WeightSource, ".weight") ?? Module(layers[i].BiasSource, ".bias");
            if (layers[i].Weight is null && IsLayerName(layers[i].NodeName)) module = layers[i].NodeName;
            if (module is not null && used.Add(module)) names[i] = module;
        }
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
        {
            if (names[i] is not null) continue;
            string stem = layers[i].Kind switch
            {
                LayerKind.Conv2d => "conv",
                LayerKind.AvgPool2d or LayerKind.MaxPool2d => "pool",
                LayerKind kind => LayerKinds.Name(kind),
            };
            string name;
            do
            {
                counters[stem] = counters.GetValueOrDefault(stem) + 1;
                name = stem + counters[stem];
            }
            while (!used.Add(name));
            names[i] = name;
        }
        return names!;
    }

    /// <summary>Whether <paramref name="name"/> is a valid layer or network name of an architecture file.</summary>
    public static bool IsLayerName(string name) => LayerName().IsMatch(name);

    /// <summary>The module of a <c>state_dict</c> name with <paramref name="suffix"/> as a layer name, or null.</summary>
    private static string? Module(string tensor, string suffix)
    {
        if (!tensor.EndsWith(suffix, StringComparison.Ordinal) || tensor.Length == suffix.Length) return null;
        var name = new StringBuilder();
        foreach (char c in tensor[..^suffix.Length]) name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        if (char.IsAsciiDigit(name[0])) name.Insert(0, '_');
        string text = name.ToString();
        return IsLayerName(text) ? text : null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex LayerName();
}
