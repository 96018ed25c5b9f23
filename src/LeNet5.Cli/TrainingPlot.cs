using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LeNet5.Cli;

/// <summary>
/// The picture of a training run (ScottPlot): train and evaluated loss on a log axis at the left, accuracy at the
/// right, a marker per epoch, a tick per whole epoch, the best epoch dashed, and the legend below the axes where it
/// covers no point.
/// </summary>
internal static class TrainingPlot
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static byte[] Render(IReadOnlyList<EpochRecord> records, EpochRecord? best, string architecture, string evaluated)
    {
        var plot = new Plot();
        double[] epochs = [.. records.Select(r => (double)r.Epoch)];
        // Losses fall by orders of magnitude over a run: a log axis shows the late epochs as clearly as the first.
        bool logLoss = records.All(r => r.TrainLoss > 0 && r.TestLoss > 0);
        double[] Loss(Func<EpochRecord, double> loss) => [.. records.Select(r => logLoss ? Math.Log10(loss(r)) : loss(r))];

        AddSeries(plot, epochs, Loss(r => r.TrainLoss), "train loss", Colors.C0, MarkerShape.FilledCircle);
        AddSeries(plot, epochs, Loss(r => r.TestLoss), $"{evaluated} loss", Colors.C1, MarkerShape.FilledSquare);
        var accuracy = AddSeries(plot, epochs, [.. records.Select(r => r.TestAccuracy * 100)], $"{evaluated} accuracy (%)", Colors.C2, MarkerShape.FilledTriangleUp);
        accuracy.Axes.YAxis = plot.Axes.Right;
        if (best is not null)
        {
            var line = plot.Add.VerticalLine(best.Epoch, 1, Colors.Gray, LinePattern.Dashed);
            line.LegendText = $"best: epoch {best.Epoch}";
        }

        plot.Title($"{architecture} on MNIST");
        plot.XLabel("epoch");
        plot.YLabel(logLoss ? "loss (log scale)" : "loss");
        plot.Axes.Right.Label.Text = $"{evaluated} accuracy (%)";
        int first = records.Count == 0 ? 1 : records[0].Epoch, last = records.Count == 0 ? 1 : records[^1].Epoch;
        plot.Axes.Bottom.TickGenerator = EpochTicks(first, last);
        plot.Axes.SetLimitsX(first - 0.5, last + 0.5);
        if (logLoss)
        {
            double low = Math.Min(records.Min(r => r.TrainLoss), records.Min(r => r.TestLoss));
            double high = Math.Max(records.Max(r => r.TrainLoss), records.Max(r => r.TestLoss));
            plot.Axes.Left.TickGenerator = LogTicks(low, high);
            // A little room above and below the extreme points, as on a linear axis.
            double margin = Math.Max(0.05, (Math.Log10(high) - Math.Log10(low)) * 0.08);
            plot.Axes.SetLimitsY(Math.Log10(low) - margin, Math.Log10(high) + margin, plot.Axes.Left);
        }
        plot.ShowLegend(Edge.Bottom);
        return plot.GetImageBytes(900, 520, ImageFormat.Png);
    }

    private static ScottPlot.Plottables.Scatter AddSeries(Plot plot, double[] epochs, double[] values, string label, Color color, MarkerShape marker)
    {
        var series = plot.Add.Scatter(epochs, values, color);
        series.LegendText = label;
        series.LineWidth = 2;
        series.MarkerShape = marker;
        series.MarkerSize = 8;
        return series;
    }

    /// <summary>A tick at every whole epoch (<see cref="LabelledEpochs"/>).</summary>
    private static NumericManual EpochTicks(int first, int last)
    {
        var ticks = new NumericManual();
        foreach (int epoch in LabelledEpochs(first, last)) ticks.AddMajor(epoch, epoch.ToString(Invariant));
        return ticks;
    }

    /// <summary>The epochs labelled on the axis: all, or when there are more than 15 the multiples of 2, 5, 10, 20, ...</summary>
    internal static IEnumerable<int> LabelledEpochs(int first, int last)
    {
        int step = 1;
        while ((last - first) / step >= 15) step = step.ToString(Invariant)[0] == '2' ? step * 5 / 2 : step * 2;
        return Enumerable.Range(first, last - first + 1).Where(epoch => epoch % step == 0 || step == 1);
    }

    /// <summary>
    /// Ticks of a log10 axis: labels at 1, 2 and 5 times the powers of ten, minor ticks at the other digits; every digit
    /// labelled when [low, high] spans too little for three labels.
    /// </summary>
    private static NumericManual LogTicks(double low, double high)
    {
        var values = new List<(double Value, bool Major)>();
        for (int power = (int)Math.Floor(Math.Log10(low)) - 1; power <= (int)Math.Ceiling(Math.Log10(high)); power++)
        {
            for (int digit = 1; digit <= 9; digit++) values.Add((digit * Math.Pow(10, power), digit is 1 or 2 or 5));
        }
        bool labelAll = values.Count(v => v.Major && v.Value >= low && v.Value <= high) < 3;
        var ticks = new NumericManual();
        foreach ((double value, bool major) in values)
        {
            if (major || labelAll) ticks.AddMajor(Math.Log10(value), value.ToString("0.#########", Invariant));
            else ticks.AddMinor(Math.Log10(value));
        }
        return ticks;
    }
}
