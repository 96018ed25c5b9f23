namespace LeNet5.Runtime;

/// <summary>
/// One layer of a generated network as declared in its architecture file, with the shapes inferred at build time:
/// enough for tools (the ONNX exporter, <c>lenet5 summary</c>) to rebuild the computation without the generated kernels.
/// </summary>
/// <param name="Name">The layer's <c>name</c> in the architecture file, for example <c>c1</c>.</param>
/// <param name="Kind">The layer's kind; a conv2d with a connection table is <see cref="LayerKind.SparseConv2d"/>.</param>
/// <param name="Input">Shape of one image's input to the layer.</param>
/// <param name="Output">Shape of one image's output of the layer.</param>
/// <param name="Kernel">Convolution kernel or pooling window (square); 0 where it does not apply.</param>
/// <param name="Stride">Convolution or pooling stride; 0 where it does not apply.</param>
/// <param name="Padding">Padding on every side (of a pad layer or inside a convolution); 0 for none.</param>
/// <param name="PadValue">The value a pad layer writes into the border.</param>
/// <param name="Activation">The activation fused into the layer's output.</param>
/// <param name="ParameterNames">Names of the layer's tensors in <see cref="NetworkDescription.ParameterTensors"/>, weight first; empty if it has none.</param>
public sealed record LayerDescription(
    string Name,
    LayerKind Kind,
    FeatureShape Input,
    FeatureShape Output,
    int Kernel,
    int Stride,
    int Padding,
    float PadValue,
    ActivationKind Activation,
    IReadOnlyList<string> ParameterNames)
{
    /// <summary>
    /// For <see cref="LayerKind.SparseConv2d"/>, the connection table: row o lists the input maps filter o reads, in the order its kernels
    /// are packed in the weight tensor <c>[connections, kernel, kernel]</c> (filter by filter); empty for other kinds.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> Connections { get; init; } = [];

    /// <summary>
    /// Multiply-adds per image in the forward pass: products of a weight (or an rbf prototype value) with an input, each
    /// added into a sum. A bias, pooling's additions, padding and activations add none; a convolution counts every tap of
    /// its kernel, zero padding included. 0 for a layer that multiplies no weight, and where a hand-written network
    /// does not say.
    /// </summary>
    public long MultiplyAdds { get; init; }

    /// <summary>
    /// Connections as LeCun et al. 1998 count them: for every output value, the inputs it reads plus one for its bias
    /// (C1 of the paper's network: 122,304). 0 for a pad layer, and where a hand-written network does not say.
    /// </summary>
    public long ConnectionCount { get; init; }

    /// <summary>
    /// For <see cref="LayerKind.Rbf"/>, the fixed prototypes unit by unit, <c>[Output.Channels, Input.Size]</c> row-major: unit i outputs
    /// minus the squared distance between the flattened input and row i. Empty for other kinds.
    /// </summary>
    public IReadOnlyList<float> Prototypes { get; init; } = [];
}
