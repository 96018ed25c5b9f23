namespace LeNet5.Runtime.Loss;

/// <summary>
/// Softmax cross-entropy over rows of logits, computed with log-sum-exp so large logits neither overflow nor
/// lose precision. Matches <c>torch.nn.functional.cross_entropy</c> with <c>reduction="mean"</c>.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Mean loss over the rows, and d(mean loss)/d logits.</summary>
    /// <param name="logits"><c>rows * classCount</c> logits.</param>
    /// <param name="labels">One label per row.</param>
    /// <param name="classCount">Classes per row.</param>
    /// <param name="logitsGradient"><c>rows * classCount</c> floats, written; may be empty to skip the gradient.</param>
    /// <returns>The mean loss.</returns>
    public static float MeanLoss(ReadOnlySpan<float> logits, ReadOnlySpan<byte> labels, int classCount, Span<float> logitsGradient)
    {
        int rows = labels.Length;
        if (rows == 0) return 0f;
        return (float)(SumLoss(logits, labels, classCount, logitsGradient, 1f / rows) / rows);
    }

    /// <summary>
    /// Summed loss over the rows, and the gradient of the per-row losses scaled by <paramref name="gradientScale"/>
    /// (pass <c>1 / batchSize</c> when the rows are a shard of a larger batch whose mean loss is minimised).
    /// </summary>
    /// <param name="logits"><c>rows * classCount</c> logits.</param>
    /// <param name="labels">One label per row; each must be below <paramref name="classCount"/>.</param>
    /// <param name="classCount">Classes per row.</param>
    /// <param name="logitsGradient"><c>rows * classCount</c> floats, written as <c>(softmax - onehot) * gradientScale</c>; or empty to skip.</param>
    /// <param name="gradientScale">Factor applied to the gradient.</param>
    /// <returns>The sum over the rows of <c>-log softmax(logits)[label]</c>.</returns>
    public static double SumLoss(ReadOnlySpan<float> logits, ReadOnlySpan<byte> labels, int classCount, Span<float> logitsGradient, float gradientScale)
    {
        int rows = labels.Length;
        if (logits.Length < rows * classCount) throw new ArgumentException("logits is shorter than rows * classCount", nameof(logits));
        bool withGradient = !logitsGradient.IsEmpty;
        if (withGradient && logitsGradient.Length < rows * classCount)
            throw new ArgumentException("logitsGradient is shorter than rows * classCount", nameof(logitsGradient));

        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = logits.Slice(r * classCount, classCount);
            int label = labels[r];
            if (label >= classCount) throw new ArgumentOutOfRangeException(nameof(labels), $"label {label} at row {r} is not below {classCount}");

            float max = row[0];
            for (int c = 1; c < classCount; c++) max = MathF.Max(max, row[c]);
            float sum = 0f;
            for (int c = 0; c < classCount; c++) sum += MathF.Exp(row[c] - max);
            float logSum = MathF.Log(sum);
            total += logSum - (row[label] - max);

            if (withGradient)
            {
                Span<float> gradient = logitsGradient.Slice(r * classCount, classCount);
                float inverse = 1f / sum;
                for (int c = 0; c < classCount; c++) gradient[c] = MathF.Exp(row[c] - max) * inverse * gradientScale;
                gradient[label] -= gradientScale;
            }
        }
        return total;
    }

    /// <summary>Softmax of one row of logits into <paramref name="probabilities"/>.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = logits[0];
        for (int c = 1; c < logits.Length; c++) max = MathF.Max(max, logits[c]);
        float sum = 0f;
        for (int c = 0; c < logits.Length; c++)
        {
            probabilities[c] = MathF.Exp(logits[c] - max);
            sum += probabilities[c];
        }
        for (int c = 0; c < logits.Length; c++) probabilities[c] /= sum;
    }

    /// <summary>Index of the largest logit (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int c = 1; c < logits.Length; c++)
        {
            if (logits[c] > logits[best]) best = c;
        }
        return best;
    }
}
