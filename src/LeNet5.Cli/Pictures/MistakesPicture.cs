using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;
using SkiaSharp;

namespace LeNet5.Cli.Pictures;

/// <summary>
/// The most confidently misclassified images in a grid, dark ink on white as a person would draw them, each labelled
/// with its true and predicted class, the confidence, and its index in the test set (for <c>infer --index</c>).
/// </summary>
internal static class MistakesPicture
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Images shown at most: the most confident mistakes.</summary>
    public const int Shown = 40;

    private const int Columns = 8;
    private const float Margin = 16, TitleHeight = 44, CellWidth = 108, LineHeight = 15, Gap = 10;

    /// <param name="title">The first line.</param>
    /// <param name="classNames">Class names by index.</param>
    /// <param name="mistakes">The misclassified images, most confident first.</param>
    /// <param name="data">The evaluated images.</param>
    /// <param name="scaling">How the network's input values map to pixels (to draw them back as pixels).</param>
    public static byte[] Render(string title, IReadOnlyList<string> classNames, IReadOnlyList<Misclassification> mistakes, MnistDataset data, InputScaling scaling)
    {
        int shown = Math.Min(Shown, mistakes.Count);
        int columns = Math.Clamp(shown, 1, Columns), rows = Math.Max(1, (shown + Columns - 1) / Columns);
        int zoom = Math.Max(1, (int)(88 / Math.Max(data.Height, data.Width)));
        // "true → predicted" on one line when every label fits the cell; the two names on lines of their own otherwise.
        using var measure = new PictureCanvas(1, 1);
        bool oneLine = mistakes.Take(shown).All(m => measure.Measure(Pair(classNames, m), NameSize, bold: true) <= CellWidth - 6);
        int lines = oneLine ? 2 : 3;
        float imageHeight = data.Height * zoom, cellHeight = imageHeight + lines * LineHeight + 4 + Gap;
        int width = (int)(2 * Margin + Math.Max(columns * CellWidth, 600));
        int height = (int)(Margin + TitleHeight + rows * cellHeight + Margin);
        using var picture = new PictureCanvas(width, height);

        picture.Text(title, Margin, Margin + 16, 16, bold: true, maxWidth: width - 2 * Margin);
        string subtitle = mistakes.Count == 0
            ? "no image is misclassified"
            : $"the {shown} most confident of {mistakes.Count:N0} mistakes: true → predicted, confidence, #index";
        picture.Text(subtitle, Margin, Margin + 36, 12, color: PictureCanvas.Faint, maxWidth: width - 2 * Margin);

        using var bitmap = new SKBitmap(data.Width, data.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        for (int i = 0; i < shown; i++)
        {
            Misclassification mistake = mistakes[i];
            float x = Margin + i % Columns * CellWidth, y = Margin + TitleHeight + i / Columns * cellHeight;
            DrawImage(bitmap, data.Image(mistake.Index), scaling);
            var target = SKRect.Create(x + (CellWidth - data.Width * zoom) / 2, y, data.Width * zoom, imageHeight);
            using (var paint = new SKPaint())
            {
                using SKImage image = SKImage.FromBitmap(bitmap);
                picture.Canvas.DrawImage(image, target, new SKSamplingOptions(SKFilterMode.Nearest), paint);
            }
            picture.Outline(target, PictureCanvas.Grid);
            float middle = x + CellWidth / 2, labels = CellWidth - 6, line = y + imageHeight + LineHeight;
            if (oneLine)
            {
                picture.Text(Pair(classNames, mistake), middle, line, NameSize, SKTextAlign.Center, bold: true, maxWidth: labels);
            }
            else
            {
                picture.Text(classNames[mistake.TrueClass], middle, line, NameSize, SKTextAlign.Center, bold: true, maxWidth: labels);
                line += LineHeight;
                picture.Text("→ " + classNames[mistake.PredictedClass], middle, line, NameSize, SKTextAlign.Center, bold: true, maxWidth: labels);
            }
            picture.Text(string.Create(Invariant, $"{mistake.Confidence * 100:F2}%  #{mistake.Index}"), middle, line + LineHeight, 11, SKTextAlign.Center, PictureCanvas.Faint, maxWidth: labels);
        }
        return picture.EncodePng();
    }

    private const float NameSize = 13;

    private static string Pair(IReadOnlyList<string> classNames, Misclassification mistake)
        => $"{classNames[mistake.TrueClass]} → {classNames[mistake.PredictedClass]}";

    /// <summary>Writes the image's input values back as pixels, inverted: ink dark, background white.</summary>
    private static void DrawImage(SKBitmap bitmap, ReadOnlySpan<float> values, InputScaling scaling)
    {
        Span<byte> pixels = bitmap.GetPixelSpan();
        int size = bitmap.Width * bitmap.Height, channels = values.Length / size;
        float range = scaling.Foreground - scaling.Background;
        for (int p = 0; p < size; p++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++) sum += values[c * size + p];
            float ink = Math.Clamp((sum / channels - scaling.Background) / range, 0, 1);
            pixels[p] = (byte)MathF.Round(255 * (1 - ink));
        }
    }
}
