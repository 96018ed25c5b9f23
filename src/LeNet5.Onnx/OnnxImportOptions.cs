using LeNet5.Runtime;

namespace LeNet5.Onnx;

/// <summary>Choices the ONNX file cannot make for <see cref="OnnxImporter"/>.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>
    /// The architecture's <c>name</c> (the generated type is <c>{Name}Network</c>). Null: the name an exported model of
    /// LeNet5.Generated carries in its metadata (<see cref="OnnxMetadata.Network"/>), else <c>LeNet5</c>, the name the
    /// <c>dotnet new lenet5</c> project compiles.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>
    /// The model's input was already padded by this much on every side (PyTorch replications of LeNet-5 pad MNIST's
    /// 28x28 digits to 32x32 before the network): the architecture then takes the image before padding and starts with
    /// a <c>pad</c> layer that fills the border with the input's background, the scaled value of pixel 0. 0: the
    /// architecture takes the model's input as it is.
    /// </summary>
    public int InputPadding { get; init; }

    /// <summary>
    /// How the model wants its pixels (the architecture's <c>input.scale</c>). Null: what an exported model of
    /// LeNet5.Generated carries in its metadata (<see cref="OnnxMetadata.InputScale"/>), else the replications'
    /// <c>(x / 255 - 0.1307) / 0.3081</c>, which PyTorch's MNIST examples use.
    /// </summary>
    public InputScaling? InputScaling { get; init; }
}
