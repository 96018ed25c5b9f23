using LeNet5.Runtime;

namespace LeNet5.Runtime.Tests;

/// <summary><see cref="TinyMlp"/> whose training forward pass throws on an image whose first value is +infinity.</summary>
public readonly struct FaultyMlp : INetwork
{
    public static string Name => "FaultyMlp";
    public static int InputChannels => TinyMlp.InputChannels;
    public static int InputHeight => TinyMlp.InputHeight;
    public static int InputWidth => TinyMlp.InputWidth;
    public static int InputSize => TinyMlp.InputSize;
    public static int ClassCount => TinyMlp.ClassCount;
    public static IReadOnlyList<string> ClassNames => TinyMlp.ClassNames;
    public static int ParameterCount => TinyMlp.ParameterCount;
    public static int ActivationSize => TinyMlp.ActivationSize;
    public static int WorkspaceSize => TinyMlp.WorkspaceSize;
    public static LossKind Loss => TinyMlp.Loss;
    public static IReadOnlyList<ParameterTensor> ParameterTensors => TinyMlp.ParameterTensors;
    public static IReadOnlyList<LayerDescription> Layers => TinyMlp.Layers;
    public static TrainingRecipe Training => TinyMlp.Training;

    public static void InitializeParameters(Span<float> parameters, Random random) => TinyMlp.InitializeParameters(parameters, random);

    public static void Infer(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> logits, Span<float> workspace, int batch) =>
        TinyMlp.Infer(parameters, input, logits, workspace, batch);

    public static void ForwardTrain(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch)
    {
        for (int b = 0; b < batch; b++)
        {
            if (float.IsPositiveInfinity(input[b * InputSize])) throw new InvalidOperationException("faulty image");
        }
        TinyMlp.ForwardTrain(parameters, input, activations, logits, batch);
    }

    public static void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> activations, ReadOnlySpan<float> logitsGradient,
        Span<float> parameterGradients, Span<float> inputGradient, Span<float> workspace, int batch) =>
        TinyMlp.Backward(parameters, input, activations, logitsGradient, parameterGradients, inputGradient, workspace, batch);
}
