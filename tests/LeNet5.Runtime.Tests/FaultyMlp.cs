using LeNet5.Runtime;

namespace LeNet5.Runtime.Tests;

/// <summary><see cref="TinyMlp"/> whose training forward pass throws on an image whose first value is +infinity.</summary>
public readonly struct FaultyMlp : INetwork
{
    public static NetworkDescription Description { get; } = TinyMlp.Description with { Name = "FaultyMlp" };

    public static void InitializeParameters(Span<float> parameters, Random random) => TinyMlp.InitializeParameters(parameters, random);

    public static void Infer(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> logits, Span<float> workspace, int batch) =>
        TinyMlp.Infer(parameters, input, logits, workspace, batch);

    public static void ForwardTrain(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> activations, Span<float> logits, int batch)
    {
        for (int b = 0; b < batch; b++)
        {
            if (float.IsPositiveInfinity(input[b * TinyMlp.InputSize])) throw new InvalidOperationException("faulty image");
        }
        TinyMlp.ForwardTrain(parameters, input, activations, logits, batch);
    }

    public static void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> activations, ReadOnlySpan<float> logitsGradient,
        Span<float> parameterGradients, Span<float> inputGradient, Span<float> workspace, int batch) =>
        TinyMlp.Backward(parameters, input, activations, logitsGradient, parameterGradients, inputGradient, workspace, batch);
}
