using System.Globalization;
using LeNet5.Runtime;
using SkiaSharp;

namespace LeNet5.Cli.Pictures;

/// <summary>
/// The kernels of a network's first convolution: one column per filter, one row per input map, blue for negative
/// weights and red for positive on one scale for the whole layer (white is 0), so filters compare with each other.
/// Kernels a connection table leaves out are grey.
/// </summary>
internal static class FiltersPicture
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly ScottPlot.IColormap Weights = new ScottPlot.Colormaps.Balance();
    private const int MaxColumns = 12;
    private const float Margin = 16, TitleHeight = 44, LabelHeight = 18, Gap = 8, LegendHeight = 44;

    /// <summary>The first layer of kind <c>conv2d</c> or <c>sparse_conv2d</c>, or null.</summary>
    public static LayerDescription? FirstConvolution(IReadOnlyList<LayerDescription> layers)
        => layers.FirstOrDefault(l => l.Kind is LayerKind.Conv2d or LayerKind.SparseConv2d);

    /// <param name="title">The first line.</param>
    /// <param name="layer">A conv2d or sparse_conv2d layer.</param>
    /// <param name="weights">Its weight tensor: <c>[filters, inputs, k, k]</c>, or <c>[connections, k, k]</c> packed by the table.</param>
    public static byte[] Render(string title, LayerDescription layer, ReadOnlySpan<float> weights)
    {
        int filters = layer.Output.Channels, inputs = layer.Input.Channels, k = layer.Kernel;
        int zoom = Math.Max(4, 80 / k);
        float kernel = k * zoom;
        int columns = Math.Min(MaxColumns, filters), blocks = (filters + columns - 1) / columns;
        float columnWidth = Math.Max(kernel, 40) + Gap, blockHeight = LabelHeight + inputs * (kernel + Gap);
        int width = (int)(2 * Margin + Math.Max(columns * columnWidth, 420));
        int height = (int)(Margin + TitleHeight + blocks * blockHeight + LegendHeight + Margin);
        using var picture = new PictureCanvas(width, height);

        float largest = 0;
        foreach (float w in weights) largest = Math.Max(largest, Math.Abs(w));
        if (largest == 0) largest = 1;
        picture.Text(title, Margin, Margin + 16, 16, bold: true, maxWidth: width - 2 * Margin);
        string rows = inputs == 1 ? "" : $"; rows: its {inputs} input maps";
        picture.Text($"{layer.Name}: {filters} filters {k}x{k}, one per column{rows}", Margin, Margin + 36, 12, color: PictureCanvas.Faint, maxWidth: width - 2 * Margin);

        int packed = 0;
        for (int f = 0; f < filters; f++)
        {
            float x = Margin + f % columns * columnWidth, y = Margin + TitleHeight + f / columns * blockHeight;
            picture.Text(f.ToString(Invariant), x + kernel / 2, y + 12, 11, SKTextAlign.Center, PictureCanvas.Faint);
            for (int i = 0; i < inputs; i++)
            {
                var box = SKRect.Create(x, y + LabelHeight + i * (kernel + Gap), kernel, kernel);
                int start;
                if (layer.Connections.Count == 0) start = (f * inputs + i) * k * k;
                else if (layer.Connections[f].Contains(i)) start = (packed + IndexOf(layer.Connections[f], i)) * k * k;
                else
                {
                    picture.Fill(box, PictureCanvas.Grid);
                    continue;
                }
                for (int r = 0; r < k; r++)
                    for (int c = 0; c < k; c++)
                        picture.Fill(SKRect.Create(box.Left + c * zoom, box.Top + r * zoom, zoom, zoom), WeightColor(weights[start + r * k + c], largest));
                picture.Outline(box, PictureCanvas.Grid);
            }
            if (layer.Connections.Count > 0) packed += layer.Connections[f].Count;
        }

        float legendTop = height - Margin - LegendHeight + 12, legendWidth = Math.Min(width - 2 * Margin, 300);
        for (int x = 0; x < (int)legendWidth; x++)
            picture.Fill(SKRect.Create(Margin + x, legendTop, 1, 12), WeightColor((2f * x / (legendWidth - 1) - 1) * largest, largest));
        picture.Outline(SKRect.Create(Margin, legendTop, legendWidth, 12), PictureCanvas.Grid);
        string bound = largest.ToString("G3", Invariant);
        picture.Text("-" + bound, Margin, legendTop + 26, 11, SKTextAlign.Left, PictureCanvas.Faint);
        picture.Text("0", Margin + legendWidth / 2, legendTop + 26, 11, SKTextAlign.Center, PictureCanvas.Faint);
        picture.Text("+" + bound, Margin + legendWidth, legendTop + 26, 11, SKTextAlign.Right, PictureCanvas.Faint);
        return picture.EncodePng();
    }

    private static SKColor WeightColor(float weight, float largest) => PictureCanvas.Color(Weights, 0.5 + 0.5 * weight / largest);

    private static int IndexOf(IReadOnlyList<int> row, int value)
    {
        for (int i = 0; i < row.Count; i++)
            if (row[i] == value) return i;
        return -1;
    }
}
