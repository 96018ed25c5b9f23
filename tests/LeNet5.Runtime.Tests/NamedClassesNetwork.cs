using LeNet5.Model;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// The seed network under another name with Fashion-MNIST's class names, as a user's network from the template with
/// its own <c>classNames</c> would be: names longer than a column, one with a slash.
/// </summary>
public readonly struct NamedClassesNetwork : INetwork
{
    public static NetworkDescription Description { get; } = LeNet5Network.Description with
    {
        Name = "Fashion",
        ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    };

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
