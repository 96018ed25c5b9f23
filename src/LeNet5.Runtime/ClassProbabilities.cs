using System.Globalization;
using LeNet5.Runtime.Loss;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime;

/// <summary>What the generated predictions share: from logits to class probabilities and the chosen class.</summary>
public static class ClassProbabilities
{
    /// <summary>
    /// Writes the softmax of <paramref name="logits"/> into <paramref name="probabilities"/> and returns the class with the
    /// largest logit (the first on ties), the class <see cref="Evaluator{TNetwork}"/> counts. For an rbf output trained
    /// with the MAP criterion the logits are the negated distances, so this is the nearest prototype; the criterion's
    /// extra constant logit belongs to no class and is left out, so the probabilities still sum to 1.
    /// </summary>
    /// <param name="logits">One score per class.</param>
    /// <param name="probabilities">As many floats, written.</param>
    /// <returns>The index of the largest logit.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are zero.</exception>
    public static int Compute(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (logits.Length != probabilities.Length || logits.IsEmpty)
            throw new ArgumentException($"expected {probabilities.Length} logits, got {logits.Length}", nameof(logits));
        SoftmaxCrossEntropy.Softmax(logits, probabilities);
        return SoftmaxCrossEntropy.ArgMax(logits);
    }

    /// <summary>Copies a prediction's probabilities into a caller's buffer.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="probabilities"/>.</exception>
    public static void CopyTo(ReadOnlySpan<float> probabilities, Span<float> destination)
    {
        if (destination.Length < probabilities.Length)
            throw new ArgumentException($"the destination holds {destination.Length} floats but {probabilities.Length} are needed", nameof(destination));
        probabilities.CopyTo(destination);
    }

    /// <summary>For example <c>7 (99.87%)</c>, in the invariant culture.</summary>
    public static string Describe(string className, float probability)
        => string.Create(CultureInfo.InvariantCulture, $"{className} ({probability * 100:F2}%)");
}
