namespace LeNet5.Runtime;

/// <summary>
/// A generated network's answer for one image (<c>&lt;Name&gt;Prediction</c>): the most likely class and every class's
/// probability, held inline in a small value type, so that generic code can classify and report without allocating.
/// </summary>
/// <typeparam name="TSelf">The prediction type itself.</typeparam>
public interface IPrediction<TSelf> where TSelf : struct, IPrediction<TSelf>
{
    /// <summary>The prediction for one image's logits (see <see cref="ClassProbabilities.Compute"/>).</summary>
    static abstract TSelf FromLogits(ReadOnlySpan<float> logits);

    /// <summary>The most likely class: the largest logit.</summary>
    int ClassIndex { get; }

    /// <summary>The name of <see cref="ClassIndex"/> as the architecture file gives it, or the index as text.</summary>
    string ClassName { get; }

    /// <summary>The probability of <see cref="ClassIndex"/>.</summary>
    float Probability { get; }

    /// <summary>The probability of class <paramref name="classIndex"/>.</summary>
    float this[int classIndex] { get; }

    /// <summary>Copies every class's probability, class 0 first, into <paramref name="destination"/>.</summary>
    void CopyProbabilitiesTo(Span<float> destination);
}
