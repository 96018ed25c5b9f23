using LeNet5.Runtime;

namespace LeNet5.Model.Tests;

/// <summary>LeNet-5 whose S2 is described with a layer kind no tool knows (<c>subsampling</c>), for the ONNX exporter's refusal.</summary>
public readonly struct UnsupportedLayerNetwork : INetwork
{
    public static string Name => "Unsupported";
    public static int InputChannels => LeNet5Network.InputChannels;
    public static int InputHeight => LeNet5Network.InputHeight;
    public static int InputWidth => LeNet5Network.InputWidth;
    public static int InputSize => LeNet5Network.InputSize;
    public static int ClassCount => LeNet5Network.ClassCount;
    public static IReadOnlyList<string> ClassNames => LeNet5Network.ClassNames;
    public static int ParameterCount => LeNet5Network.ParameterCount;
    public static int ActivationSize => LeNet5Network.ActivationSize;
    public static int WorkspaceSize => LeNet5Network.WorkspaceSize;
    public static LossKind Loss => LeNet5Network.Loss;
    public static IReadOnlyList<ParameterTensor> ParameterTensors => LeNet5Network.ParameterTensors;

    public static IReadOnlyList<LayerDescription> Layers { get; } =
        LeNet5Network.Layers.Select(l => l.Name == "s2" ? l with { Kind = "subsampling" } : l).ToArray();

    public static TrainingRecipe Training => LeNet5Network.Training;

    public static void InitializeParameters(Span<float> parameters, Random random) => LeNet5Network.InitializeParameters(parameters, random);

    public static void Infer(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> logits, Span<float> workspace, int batch)
        => LeNet5Network.Infer(parameters, input, logits, workspace, batch);

    public static void ForwardTrain(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch)
        => LeNet5Network.ForwardTrain(parameters, input, activations, logits, batch);

    public static void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> activations, ReadOnlySpan<float> logitsGradient,
        Span<float> parameterGradients, Span<float> inputGradient, Span<float> workspace, int batch)
        => LeNet5Network.Backward(parameters, input, activations, logitsGradient, parameterGradients, inputGradient, workspace, batch);
}
