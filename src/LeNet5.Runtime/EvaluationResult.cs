namespace LeNet5.Runtime;

/// <summary>Accuracy, loss and confusion matrix of a network on a labelled set.</summary>
public sealed class EvaluationResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="confusion"><c>classCount * classCount</c> counts, row = true class, column = predicted class.</param>
    /// <param name="meanLoss">Mean softmax cross-entropy.</param>
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

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Images evaluated.</summary>
    public int Count { get; }

    /// <summary>Images classified correctly.</summary>
    public int Correct { get; }

    /// <summary>Fraction classified correctly, 0 to 1.</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Mean softmax cross-entropy over the images.</summary>
    public double MeanLoss { get; }

    /// <summary>Counts, flat <c>[true, predicted]</c>.</summary>
    public int[] Confusion { get; }

    /// <summary>Predicted class per image, in dataset order.</summary>
    public byte[] Predictions { get; }

    /// <summary>Images of class <paramref name="trueClass"/> classified as <paramref name="predictedClass"/>.</summary>
    public int this[int trueClass, int predictedClass] => Confusion[trueClass * ClassCount + predictedClass];
}
