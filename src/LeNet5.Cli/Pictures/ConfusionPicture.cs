using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Training;
using SkiaSharp;

namespace LeNet5.Cli.Pictures;

/// <summary>
/// The confusion matrix as a heat map: rows are the true classes, columns the predicted ones. The mistakes (off the
/// diagonal) are coloured by count, white for none to dark red for the most, so that a single mistake still shows;
/// the diagonal holds the correct counts on grey. Each row ends with its recall, each column with its precision.
/// </summary>
internal static class ConfusionPicture
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly ScottPlot.IColormap Mistakes = new ScottPlot.Colormaps.Amp();
    private static readonly SKColor Diagonal = new(0xE4, 0xE8, 0xEC);

    public static byte[] Render(string title, IReadOnlyList<string> classNames, EvaluationResult result)
    {
        int classes = result.ClassCount;
        ClassificationReport report = result.Report;
        float cell = Math.Clamp(600f / classes, 12, 56);
        float countSize = Math.Min(15, cell * 0.3f);
        bool counts = cell >= 22;
        float labelSize = Math.Min(14, Math.Max(9, cell * 0.45f));

        using var measure = new PictureCanvas(1, 1);
        float rowLabels = Math.Max(measure.Measure("precision", 12, bold: true), Math.Min(160, classNames.Max(n => measure.Measure(n, labelSize)))) + 10;
        bool upright = classNames.All(n => measure.Measure(n, labelSize) <= cell - 4);
        float columnLabels = upright ? labelSize + 8 : Math.Min(160, classNames.Max(n => measure.Measure(n, labelSize))) + 10;
        const float margin = 16, titleHeight = 30, axisTitle = 22, scoreWidth = 64, scoreHeight = 22, legendHeight = 46;

        float left = margin + axisTitle + rowLabels, top = margin + titleHeight + axisTitle + columnLabels;
        float matrix = cell * classes;
        int width = (int)MathF.Ceiling(left + matrix + scoreWidth + margin);
        int height = (int)MathF.Ceiling(top + matrix + scoreHeight + legendHeight + margin);
        width = Math.Max(width, (int)MathF.Ceiling(measure.Measure(title, 16, bold: true) + 2 * margin));
        using var picture = new PictureCanvas(width, height);

        picture.Text(title, margin, margin + 18, 16, bold: true, maxWidth: width - 2 * margin);
        picture.Text("predicted", left + matrix / 2, margin + titleHeight + 16, 14, SKTextAlign.Center, bold: true);
        picture.TextUpwards("true", margin + 16, top + matrix / 2, 14, bold: true);

        int mostMistakes = 0;
        for (int t = 0; t < classes; t++)
            for (int p = 0; p < classes; p++)
                if (t != p) mostMistakes = Math.Max(mostMistakes, result[t, p]);

        for (int c = 0; c < classes; c++)
        {
            float middle = left + (c + 0.5f) * cell;
            if (upright) picture.Text(classNames[c], middle, top - 8, labelSize, SKTextAlign.Center);
            else picture.TextUpwards(classNames[c], middle + labelSize / 3, top - 6, labelSize, SKTextAlign.Left, maxWidth: columnLabels - 10);
            picture.Text(classNames[c], left - 6, top + (c + 0.5f) * cell + labelSize / 3, labelSize, SKTextAlign.Right, maxWidth: rowLabels - 10);
        }

        for (int t = 0; t < classes; t++)
        {
            for (int p = 0; p < classes; p++)
            {
                var rect = SKRect.Create(left + p * cell, top + t * cell, cell, cell);
                int count = result[t, p];
                SKColor color = t == p ? Diagonal : count == 0 ? SKColors.White : MistakeColor(count, mostMistakes);
                picture.Fill(rect, color);
                if (counts && (count > 0 || t == p))
                    picture.Text(count.ToString("N0", Invariant), rect.MidX, rect.MidY + countSize / 3, countSize, SKTextAlign.Center, PictureCanvas.TextOn(color), bold: t == p);
            }
        }
        for (int i = 0; i <= classes; i++)
        {
            using var paint = new SKPaint { Color = PictureCanvas.Grid, StrokeWidth = 1 };
            picture.Canvas.DrawLine(left, top + i * cell, left + matrix, top + i * cell, paint);
            picture.Canvas.DrawLine(left + i * cell, top, left + i * cell, top + matrix, paint);
        }

        // Recall at the end of each row, precision under each column.
        float scoreSize = Math.Min(12, Math.Max(8, cell * 0.3f));
        picture.Text("recall", left + matrix + 6, top - 8, 12, bold: true);
        for (int t = 0; t < classes; t++)
            picture.Text(Percent(report.Classes[t].Recall), left + matrix + 6, top + (t + 0.5f) * cell + scoreSize / 3, scoreSize, color: PictureCanvas.Faint);
        picture.Text("precision", left - 6, top + matrix + 15, 12, SKTextAlign.Right, bold: true);
        if (cell >= 40)
        {
            for (int p = 0; p < classes; p++)
                picture.Text(Percent(report.Classes[p].Precision), left + (p + 0.5f) * cell, top + matrix + 15, scoreSize, SKTextAlign.Center, PictureCanvas.Faint);
        }
        else
        {
            picture.Text("(see evaluate's table)", left, top + matrix + 15, 11, color: PictureCanvas.Faint);
        }

        // The colour scale of the mistakes.
        float legendTop = top + matrix + scoreHeight + 14, legendWidth = Math.Min(matrix, 300);
        if (mostMistakes == 0)
        {
            picture.Text("no mistakes", left, legendTop + 10, 11, color: PictureCanvas.Faint);
            return picture.EncodePng();
        }
        for (int x = 0; x < (int)legendWidth; x++)
        {
            int count = 1 + (int)Math.Round((mostMistakes - 1) * x / Math.Max(1, legendWidth - 1));
            picture.Fill(SKRect.Create(left + x, legendTop, 1, 12), MistakeColor(count, mostMistakes));
        }
        picture.Outline(SKRect.Create(left, legendTop, legendWidth, 12), PictureCanvas.Grid);
        picture.Text("1", left, legendTop + 26, 11, SKTextAlign.Left, PictureCanvas.Faint);
        picture.Text(mostMistakes.ToString("N0", Invariant) + (mostMistakes == 1 ? " mistake" : " mistakes"), left + legendWidth, legendTop + 26, 11, SKTextAlign.Right, PictureCanvas.Faint);
        return picture.EncodePng();
    }

    /// <summary>The square root spreads the small counts, which are most of the mistakes, over the colour scale.</summary>
    private static SKColor MistakeColor(int count, int most) => PictureCanvas.Color(Mistakes, 0.12 + 0.88 * Math.Sqrt((double)count / most));

    private static string Percent(double share) => (share * 100).ToString("F1", Invariant) + "%";
}
