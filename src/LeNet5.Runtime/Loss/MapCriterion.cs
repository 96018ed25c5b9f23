namespace LeNet5.Runtime.Loss;

/// <summary>
/// The MAP criterion of LeCun et al. 1998 (eq. 9) on logits z_i = -y_i, y_i the RBF distances:
/// <c>E = -z_D + log(exp(-j) + sum_i exp(z_i))</c>. It is a softmax cross-entropy over the logits plus one constant
/// logit -j that belongs to no class, so its gradient is <c>softmax_i - [i = D]</c> with the softmax taken over all
/// eleven logits.
/// </summary>
public static class MapCriterion
{
    /// <summary>Summed loss over the rows, and the per-row gradient scaled by <paramref name="gradientScale"/>.</summary>
    /// <param name="logits"><c>rows * classCount</c> logits.</param>
    /// <param name="labels">One label per row.</param>
    /// <param name="classCount">Classes per row.</param>
    /// <param name="constant">The constant j (the extra logit is -j).</param>
    /// <param name="logitsGradient"><c>rows * classCount</c> floats, written; or empty to skip.</param>
    /// <param name="gradientScale">Factor applied to the gradient.</param>
    public static double SumLoss(ReadOnlySpan<float> logits, ReadOnlySpan<byte> labels, int classCount, float constant, Span<float> logitsGradient, float gradientScale)
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

            double sum = SoftmaxDenominator(row, -constant, out double max);
            total += Math.Log(sum) + max - row[label];

            if (withGradient)
            {
                Span<float> gradient = logitsGradient.Slice(r * classCount, classCount);
                for (int c = 0; c < classCount; c++) gradient[c] = (float)(Math.Exp(row[c] - max) / sum) * gradientScale;
                gradient[label] -= gradientScale;
            }
        }
        return total;
    }

    /// <summary>
    /// The softmax denominator of a row of logits plus one extra logit, shifted by the largest of them (<paramref name="max"/>):
    /// <c>exp(extra - max) + sum_c exp(row_c - max)</c>. An extra logit of negative infinity adds nothing (a plain softmax).
    /// </summary>
    /// <remarks>In double: RBF logits reach -hundreds, where float exp underflows unevenly.</remarks>
    internal static double SoftmaxDenominator(ReadOnlySpan<float> row, double extraLogit, out double max)
    {
        max = extraLogit;
        foreach (float z in row) max = Math.Max(max, z);
        double sum = Math.Exp(extraLogit - max);
        foreach (float z in row) sum += Math.Exp(z - max);
        return sum;
    }
}
