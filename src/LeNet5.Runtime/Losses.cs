namespace LeNet5.Runtime;

/// <summary>The loss a network declares (<see cref="INetwork.Loss"/>), dispatched for the trainer and the evaluator.</summary>
public static class Losses
{
    /// <summary>Summed loss of the rows under <typeparamref name="TNetwork"/>'s loss, and the gradient scaled by <paramref name="gradientScale"/>.</summary>
    public static double SumLoss<TNetwork>(ReadOnlySpan<float> logits, ReadOnlySpan<byte> labels, Span<float> logitsGradient, float gradientScale)
        where TNetwork : struct, INetwork
        => TNetwork.Loss switch
        {
            LossKind.MapCriterion => MapCriterion.SumLoss(logits, labels, TNetwork.ClassCount, TNetwork.LossConstant, logitsGradient, gradientScale),
            _ => SoftmaxCrossEntropy.SumLoss(logits, labels, TNetwork.ClassCount, logitsGradient, gradientScale),
        };
}
