using System.Globalization;
using LeNet5.Runtime;

namespace LeNet5.Model;

/// <summary>
/// The answer for one image: the most likely <see cref="Digit"/> and the probability of every digit (the softmax of the
/// network's logits). A small value type: returning or storing it allocates nothing.
/// </summary>
public readonly struct DigitPrediction : IEquatable<DigitPrediction>
{
    private readonly DigitProbabilities _probabilities;

    /// <summary>Creates the prediction for the given logits (any real numbers; the softmax is taken here).</summary>
    /// <param name="logits">One score per digit, <see cref="DigitClassifier.DigitCount"/> values.</param>
    /// <exception cref="ArgumentException"><paramref name="logits"/> does not hold exactly ten values.</exception>
    public DigitPrediction(ReadOnlySpan<float> logits)
    {
        if (logits.Length != DigitClassifier.DigitCount)
            throw new ArgumentException($"expected {DigitClassifier.DigitCount} logits, got {logits.Length}", nameof(logits));
        Span<float> probabilities = _probabilities;
        SoftmaxCrossEntropy.Softmax(logits, probabilities);
        Digit = SoftmaxCrossEntropy.ArgMax(logits);
    }

    /// <summary>The most likely digit, 0 to 9.</summary>
    public int Digit { get; }

    /// <summary>The probability of <see cref="Digit"/>, in (0, 1].</summary>
    public float Confidence => _probabilities[Digit];

    /// <summary>The probability the image shows <paramref name="digit"/>; the ten probabilities sum to 1.</summary>
    /// <param name="digit">0 to 9.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="digit"/> is not 0 to 9.</exception>
    public float this[int digit]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(digit);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(digit, DigitClassifier.DigitCount);
            return _probabilities[digit];
        }
    }

    /// <summary>Copies the ten probabilities, digit 0 first, into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least ten floats.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than ten floats.</exception>
    public void CopyProbabilitiesTo(Span<float> destination)
    {
        if (destination.Length < DigitClassifier.DigitCount)
            throw new ArgumentException($"the destination holds {destination.Length} floats but {DigitClassifier.DigitCount} are needed", nameof(destination));
        ReadOnlySpan<float> probabilities = _probabilities;
        probabilities.CopyTo(destination);
    }

    /// <inheritdoc />
    public bool Equals(DigitPrediction other)
    {
        ReadOnlySpan<float> mine = _probabilities;
        ReadOnlySpan<float> theirs = other._probabilities;
        return Digit == other.Digit && mine.SequenceEqual(theirs);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DigitPrediction other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Digit, Confidence);

    /// <summary>Whether two predictions have the same digit and probabilities.</summary>
    public static bool operator ==(DigitPrediction left, DigitPrediction right) => left.Equals(right);

    /// <summary>Whether two predictions differ.</summary>
    public static bool operator !=(DigitPrediction left, DigitPrediction right) => !left.Equals(right);

    /// <summary>For example <c>7 (99.87%)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Digit} ({Confidence * 100:F2}%)");
}
