using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>Precision, recall and F1 from confusion matrices worked out by hand.</summary>
public sealed class ClassificationReportTests
{
    [Fact]
    public void Three_classes_by_hand()
    {
        // Rows are true classes, columns predicted: class 0 has 6 images (5 right), class 1 has 6 (3 right), class 2 has 4 (all right).
        int[] confusion =
        [
            5, 1, 0,
            2, 3, 1,
            0, 0, 4,
        ];
        ClassificationReport report = ClassificationReport.FromConfusion(3, confusion);

        Assert.Equal([6, 6, 4], report.Classes.Select(c => c.Support));
        Assert.Equal([7, 4, 5], report.Classes.Select(c => c.Predicted));
        Assert.Equal([5, 3, 4], report.Classes.Select(c => c.Correct));
        Assert.Equal([5.0 / 7, 3.0 / 4, 4.0 / 5], report.Classes.Select(c => c.Precision), Close);
        Assert.Equal([5.0 / 6, 3.0 / 6, 4.0 / 4], report.Classes.Select(c => c.Recall), Close);
        // F1 = 2 TP / (2 TP + FP + FN): 10/13, 6/10, 8/9.
        Assert.Equal([10.0 / 13, 6.0 / 10, 8.0 / 9], report.Classes.Select(c => c.F1), Close);
        Assert.Equal((5.0 / 7 + 3.0 / 4 + 4.0 / 5) / 3, report.MacroPrecision, 1e-12);
        Assert.Equal(7.0 / 9, report.MacroRecall, 1e-12);
        Assert.Equal((10.0 / 13 + 6.0 / 10 + 8.0 / 9) / 3, report.MacroF1, 1e-12);
    }

    [Fact]
    public void A_class_never_predicted_or_never_seen_scores_zero()
    {
        // Class 1 is never predicted (precision 0/0), class 2 has no image and is never predicted (recall 0/0).
        int[] confusion =
        [
            3, 0, 0,
            2, 0, 0,
            0, 0, 0,
        ];
        ClassificationReport report = ClassificationReport.FromConfusion(3, confusion);

        // Class 0: 3 images, all right, and 2 of class 1 taken for it: precision 3/5, recall 1, F1 2 * 3 / (6 + 2).
        Assert.Equal((3, 5, 3), (report.Classes[0].Support, report.Classes[0].Predicted, report.Classes[0].Correct));
        Assert.Equal(3.0 / 5, report.Classes[0].Precision, 1e-12);
        Assert.Equal(1, report.Classes[0].Recall);
        Assert.Equal(0.75, report.Classes[0].F1, 1e-12);
        Assert.Equal(new ClassScores(1, 2, 0, 0, 0, 0, 0), report.Classes[1]);
        Assert.Equal(new ClassScores(2, 0, 0, 0, 0, 0, 0), report.Classes[2]);
        Assert.Equal(0.2, report.MacroPrecision, 1e-12);
        Assert.Equal(0.25, report.MacroF1, 1e-12);
    }

    [Fact]
    public void A_matrix_of_the_wrong_size_or_with_negative_counts_is_refused()
    {
        var size = Assert.Throws<ArgumentException>(() => ClassificationReport.FromConfusion(3, new int[8]));
        Assert.Contains("has 9 counts, not 8", size.Message);
        Assert.Throws<ArgumentException>(() => ClassificationReport.FromConfusion(2, [1, -1, 0, 1]));
    }

    [Fact]
    public void An_evaluation_result_reports_on_its_confusion_matrix()
    {
        var result = new EvaluationResult(2, [3, 1, 0, 4], 0.5, new byte[8]);
        Assert.Equal(0.875, result.Accuracy);
        Assert.Equal(3.0 / 4, result.Report.Classes[0].Recall, 1e-12);
        Assert.Equal(4.0 / 5, result.Report.Classes[1].Precision, 1e-12);
        // Without per-image labels there is no list of mistakes to give.
        Assert.Throws<InvalidOperationException>(() => result.Misclassified());
    }

    private static readonly IEqualityComparer<double> Close = EqualityComparer<double>.Create((a, b) => Math.Abs(a - b) < 1e-12, v => 0);
}
