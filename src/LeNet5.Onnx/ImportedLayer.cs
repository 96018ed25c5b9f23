using LeNet5.Runtime;

namespace LeNet5.Onnx;

/// <summary>
/// One layer of the architecture being imported, as the graph walk builds it up: its kind, shapes and settings, the
/// activation a following node fused into it, its weights in the generator's layout, and the names the ONNX file gives
/// it (from which its layer name is chosen once the walk is done).
/// </summary>
internal sealed class ImportedLayer
{
    public required LayerKind Kind { get; init; }

    public required FeatureShape Input { get; init; }

    public required FeatureShape Output { get; init; }

    public int Kernel { get; init; }

    public int Stride { get; init; }

    public int Padding { get; init; }

    public float PadValue { get; init; }

    public ActivationKind Activation { get; set; }

    /// <summary><c>[filters, in, k, k]</c> or <c>[units, in]</c>, row-major; null for a layer without parameters.</summary>
    public float[]? Weight { get; init; }

    /// <summary><c>[filters]</c> or <c>[units]</c>; zeros where the ONNX node has no bias.</summary>
    public float[]? Bias { get; set; }

    /// <summary>The ONNX node the layer came from, for messages and for a name.</summary>
    public required string NodeName { get; init; }

    /// <summary>The names of the initializers its weight and bias came from ("" if none).</summary>
    public string WeightSource { get; init; } = "";

    public string BiasSource { get; set; } = "";

    /// <summary>A dense layer made from a <c>MatMul</c>, whose bias a following <c>Add</c> may still give.</summary>
    public bool AwaitsBias { get; set; }

    /// <summary>The layer as the runtime describes layers, named <paramref name="name"/>.</summary>
    public LayerDescription Describe(string name) => new(
        name, Kind, Input, Output, Kernel, Stride, Padding, PadValue, Activation,
        Weight is null ? [] : [name + ".weight", name + ".bias"]);
}
