namespace LeNet5.Runtime.Loss;

/// <summary>The loss a network declares (<see cref="NetworkDescription.Loss"/>), dispatched for the trainer and the evaluator.</summary>
public static class Losses
{
    /// <summary>Summed loss of the rows under <typeparamref name="TNetwork"/>'s loss, and the gradient scaled by <paramref name="gradientScale"/>.</summary>
    public static double SumLoss<TNetwork>(ReadOnlySpan<float> logits, ReadOnlySpan<byte> labels, Span<float> logitsGradient, float gradientScale)
        where TNetwork : struct, INetwork
    {
        NetworkDescription network = TNetwork.Description;
        return network.Loss switch
        {
            LossKind.MapCriterion => MapCriterion.SumLoss(logits, labels, network.ClassCount, network.LossConstant, logitsGradient, gradientScale),
            _ => SoftmaxCrossEntropy.SumLoss(logits, labels, network.ClassCount, logitsGradient, gradientScale),
        };
    }

    /// <summary>
    /// The diagonal of the loss's Hessian with respect to the logits, row by row: <c>p_i (1 - p_i)</c>, p the softmax
    /// (for <see cref="LossKind.MapCriterion"/>, the softmax that includes the constant logit -j). It does not depend on
    /// the label. This is where <see cref="INetwork.BackwardCurvature"/> starts.
    /// </summary>
    /// <param name="logits">Whole rows of <c>ClassCount</c> logits.</param>
    /// <param name="curvature">As many floats as <paramref name="logits"/>, written.</param>
    public static void LogitsCurvature<TNetwork>(ReadOnlySpan<float> logits, Span<float> curvature)
        where TNetwork : struct, INetwork
    {
        NetworkDescription network = TNetwork.Description;
        int classes = network.ClassCount;
        if (logits.Length % classes != 0) throw new ArgumentException($"logits holds {logits.Length} floats, not whole rows of {classes}", nameof(logits));
        if (curvature.Length < logits.Length) throw new ArgumentException("curvature is shorter than logits", nameof(curvature));
        double extraLogit = network.Loss == LossKind.MapCriterion ? -network.LossConstant : double.NegativeInfinity;
        for (int start = 0; start < logits.Length; start += classes)
        {
            ReadOnlySpan<float> row = logits.Slice(start, classes);
            double sum = MapCriterion.SoftmaxDenominator(row, extraLogit, out double max);
            for (int c = 0; c < classes; c++)
            {
                double p = Math.Exp(row[c] - max) / sum;
                curvature[start + c] = (float)(p * (1 - p));
            }
        }
    }
}
