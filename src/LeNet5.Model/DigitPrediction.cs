namespace LeNet5.Model;

/// <summary>
/// The answer for one image: the most likely <see cref="Digit"/> and the probability of every digit (the softmax of the
/// network's logits). A small value type: returning or storing it allocates nothing.
/// </summary>
public readonly struct DigitPrediction : IEquatable<DigitPrediction>
{
    // The only field: DigitClassifier writes spans of DigitPrediction as spans of LeNet5Prediction.
    private readonly LeNet5Prediction _prediction;

    /// <summary>Creates the prediction for the given logits (any real numbers; the softmax is taken here).</summary>
    /// <param name="logits">One score per digit, <see cref="DigitClassifier.DigitCount"/> values.</param>
    /// <exception cref="ArgumentException"><paramref name="logits"/> does not hold exactly ten values.</exception>
    public DigitPrediction(ReadOnlySpan<float> logits)
        : this(new LeNet5Prediction(logits))
    {
    }

    internal DigitPrediction(LeNet5Prediction prediction)
    {
        _prediction = prediction;
    }

    /// <summary>The most likely digit, 0 to 9.</summary>
    public int Digit => _prediction.ClassIndex;

    /// <summary>The probability of <see cref="Digit"/>, in (0, 1].</summary>
    public float Confidence => _prediction.Probability;

    /// <summary>The probability the image shows <paramref name="digit"/>; the ten probabilities sum to 1.</summary>
    /// <param name="digit">0 to 9.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="digit"/> is not 0 to 9.</exception>
    public float this[int digit] => _prediction[digit];

    /// <summary>Copies the ten probabilities, digit 0 first, into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least ten floats.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than ten floats.</exception>
    public void CopyProbabilitiesTo(Span<float> destination) => _prediction.CopyProbabilitiesTo(destination);

    /// <inheritdoc />
    public bool Equals(DigitPrediction other) => _prediction.Equals(other._prediction);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DigitPrediction other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _prediction.GetHashCode();

    /// <summary>Whether two predictions have the same digit and probabilities.</summary>
    public static bool operator ==(DigitPrediction left, DigitPrediction right) => left.Equals(right);

    /// <summary>Whether two predictions differ.</summary>
    public static bool operator !=(DigitPrediction left, DigitPrediction right) => !left.Equals(right);

    /// <summary>For example <c>7 (99.87%)</c>.</summary>
    public override string ToString() => _prediction.ToString();
}
