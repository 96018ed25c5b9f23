namespace LeNet5.Runtime.Training;

/// <summary>
/// Precision, recall and F1 of one class: of the images predicted as it, the share that are it; of the images that are
/// it, the share predicted as it; and their harmonic mean.
/// </summary>
/// <param name="Class">The class index.</param>
/// <param name="Support">Images of the class.</param>
/// <param name="Predicted">Images predicted as the class.</param>
/// <param name="Correct">Images of the class predicted as it.</param>
/// <param name="Precision"><c>Correct / Predicted</c>, 0 to 1; 0 when nothing was predicted as the class.</param>
/// <param name="Recall"><c>Correct / Support</c>, 0 to 1; 0 when the class has no image.</param>
/// <param name="F1"><c>2 P R / (P + R)</c>; 0 when both are 0.</param>
public readonly record struct ClassScores(int Class, int Support, int Predicted, int Correct, double Precision, double Recall, double F1);

/// <summary>
/// Per-class precision, recall and F1 from a confusion matrix, and their macro averages (the unweighted mean over the
/// classes, so a rare class counts as much as a common one), as scikit-learn's <c>classification_report</c> computes
/// them with <c>zero_division=0</c>.
/// </summary>
public sealed class ClassificationReport
{
    private ClassificationReport(ClassScores[] classes)
    {
        Classes = classes;
        if (classes.Length == 0) return;
        MacroPrecision = classes.Average(c => c.Precision);
        MacroRecall = classes.Average(c => c.Recall);
        MacroF1 = classes.Average(c => c.F1);
    }

    /// <summary>The scores of every class, by index.</summary>
    public IReadOnlyList<ClassScores> Classes { get; }

    /// <summary>The mean of the classes' precisions.</summary>
    public double MacroPrecision { get; }

    /// <summary>The mean of the classes' recalls.</summary>
    public double MacroRecall { get; }

    /// <summary>The mean of the classes' F1 scores (not the F1 of the two means).</summary>
    public double MacroF1 { get; }

    /// <summary>The report of a confusion matrix.</summary>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="confusion"><c>classCount * classCount</c> counts, row = true class, column = predicted class.</param>
    /// <exception cref="ArgumentException">The matrix is not <paramref name="classCount"/> squared counts, or a count is negative.</exception>
    public static ClassificationReport FromConfusion(int classCount, ReadOnlySpan<int> confusion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        if (confusion.Length != classCount * classCount)
            throw new ArgumentException($"a confusion matrix of {classCount} classes has {classCount * classCount} counts, not {confusion.Length}", nameof(confusion));
        var scores = new ClassScores[classCount];
        for (int c = 0; c < classCount; c++)
        {
            int support = 0, predicted = 0;
            for (int other = 0; other < classCount; other++)
            {
                int row = confusion[c * classCount + other], column = confusion[other * classCount + c];
                if (row < 0 || column < 0) throw new ArgumentException("a confusion matrix holds no negative count", nameof(confusion));
                support += row;
                predicted += column;
            }
            int correct = confusion[c * classCount + c];
            double precision = predicted == 0 ? 0 : (double)correct / predicted;
            double recall = support == 0 ? 0 : (double)correct / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            scores[c] = new ClassScores(c, support, predicted, correct, precision, recall, f1);
        }
        return new ClassificationReport(scores);
    }
}
