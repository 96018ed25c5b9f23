namespace LeNet5.Runtime.Training;

/// <summary>Accuracy, loss, confusion matrix and per-image predictions of a network on a labelled set.</summary>
public sealed class EvaluationResult
{
    private readonly byte[]? _labels;
    private readonly float[]? _confidences;
    private readonly float[]? _trueClassProbabilities;
    private readonly float[]? _margins;
    private ClassificationReport? _report;

    /// <summary>Creates a result without per-image labels and probabilities (<see cref="Misclassified"/> is unavailable).</summary>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="confusion"><c>classCount * classCount</c> counts, row = true class, column = predicted class.</param>
    /// <param name="meanLoss">Mean loss.</param>
    /// <param name="predictions">Predicted class per image.</param>
    public EvaluationResult(int classCount, int[] confusion, double meanLoss, byte[] predictions)
    {
        ClassCount = classCount;
        Confusion = confusion;
        MeanLoss = meanLoss;
        Predictions = predictions;
        for (int c = 0; c < classCount; c++) Correct += confusion[c * classCount + c];
        Count = predictions.Length;
    }

    /// <summary>
    /// Creates a result with, for every image, its label, the probabilities of the predicted and the true class, and the
    /// margin between their logits.
    /// </summary>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="confusion"><c>classCount * classCount</c> counts, row = true class, column = predicted class.</param>
    /// <param name="meanLoss">Mean loss.</param>
    /// <param name="predictions">Predicted class per image.</param>
    /// <param name="labels">True class per image.</param>
    /// <param name="confidences">Probability of the predicted class per image.</param>
    /// <param name="trueClassProbabilities">Probability of the true class per image.</param>
    /// <param name="margins">The predicted class's logit minus the true class's, per image.</param>
    /// <exception cref="ArgumentException">The per-image arrays differ in length.</exception>
    public EvaluationResult(int classCount, int[] confusion, double meanLoss, byte[] predictions, byte[] labels, float[] confidences, float[] trueClassProbabilities, float[] margins)
        : this(classCount, confusion, meanLoss, predictions)
    {
        int n = predictions.Length;
        if (labels.Length != n || confidences.Length != n || trueClassProbabilities.Length != n || margins.Length != n)
            throw new ArgumentException("labels, confidences, true-class probabilities and margins need one value per prediction");
        _labels = labels;
        _confidences = confidences;
        _trueClassProbabilities = trueClassProbabilities;
        _margins = margins;
    }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Images evaluated.</summary>
    public int Count { get; }

    /// <summary>Images classified correctly.</summary>
    public int Correct { get; }

    /// <summary>Fraction classified correctly, 0 to 1.</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Mean loss over the images, under the network's loss.</summary>
    public double MeanLoss { get; }

    /// <summary>Counts, flat <c>[true, predicted]</c>.</summary>
    public int[] Confusion { get; }

    /// <summary>Predicted class per image, in dataset order.</summary>
    public byte[] Predictions { get; }

    /// <summary>Probability of the predicted class per image, in dataset order; empty without per-image detail.</summary>
    public ReadOnlySpan<float> Confidences => _confidences;

    /// <summary>Precision, recall and F1 per class and their macro averages.</summary>
    public ClassificationReport Report => _report ??= ClassificationReport.FromConfusion(ClassCount, Confusion);

    /// <summary>Images of class <paramref name="trueClass"/> classified as <paramref name="predictedClass"/>.</summary>
    public int this[int trueClass, int predictedClass] => Confusion[trueClass * ClassCount + predictedClass];

    /// <summary>
    /// Every misclassified image, the most confident mistakes first; equal confidences (saturated probabilities) by the
    /// larger margin, then in dataset order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The result was made without per-image labels and probabilities.</exception>
    public IReadOnlyList<Misclassification> Misclassified()
    {
        if (_labels is null || _confidences is null || _trueClassProbabilities is null || _margins is null)
            throw new InvalidOperationException("this evaluation result was made without per-image labels and probabilities");
        var wrong = new List<Misclassification>(Count - Correct);
        for (int i = 0; i < Count; i++)
        {
            if (Predictions[i] != _labels[i])
                wrong.Add(new Misclassification(i, _labels[i], Predictions[i], _confidences[i], _trueClassProbabilities[i], _margins[i]));
        }
        wrong.Sort((a, b) => a.Confidence != b.Confidence ? b.Confidence.CompareTo(a.Confidence)
            : a.Margin != b.Margin ? b.Margin.CompareTo(a.Margin)
            : a.Index.CompareTo(b.Index));
        return wrong;
    }
}
