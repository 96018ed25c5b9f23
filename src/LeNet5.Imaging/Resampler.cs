namespace LeNet5.Imaging;

/// <summary>Separable resampling of a window of a grey image through a table of grey level to value.</summary>
internal static class Resampler
{
    /// <summary>
    /// The <paramref name="height"/> x <paramref name="width"/> output of <paramref name="window"/> mapped by
    /// <paramref name="columns"/> and <paramref name="rows"/>; pixels outside the window are 0.
    /// </summary>
    public static float[] Resample(GreyImage image, float[] value, InkBounds window, AxisMapping columns, AxisMapping rows, int height, int width)
    {
        var columnTaps = columns.Taps(window.Left, window.Right + 1, width);
        var rowTaps = rows.Taps(window.Top, window.Bottom + 1, height);
        int firstRow = int.MaxValue, endRow = int.MinValue;
        foreach ((int first, float[] weights) in rowTaps)
        {
            if (weights.Length == 0) continue;
            firstRow = Math.Min(firstRow, first);
            endRow = Math.Max(endRow, first + weights.Length);
        }
        var output = new float[height * width];
        if (endRow <= firstRow) return output;

        // Columns first, for only the source rows some output row needs.
        var scaledRows = new float[(endRow - firstRow) * width];
        for (int y = firstRow; y < endRow; y++)
        {
            ReadOnlySpan<byte> row = image.Row(y);
            Span<float> scaled = scaledRows.AsSpan((y - firstRow) * width, width);
            for (int o = 0; o < width; o++)
            {
                (int first, float[] weights) = columnTaps[o];
                float sum = 0;
                for (int k = 0; k < weights.Length; k++) sum += weights[k] * value[row[first + k]];
                scaled[o] = sum;
            }
        }
        for (int o = 0; o < height; o++)
        {
            (int first, float[] weights) = rowTaps[o];
            Span<float> target = output.AsSpan(o * width, width);
            for (int k = 0; k < weights.Length; k++)
            {
                ReadOnlySpan<float> source = scaledRows.AsSpan((first + k - firstRow) * width, width);
                for (int x = 0; x < width; x++) target[x] += weights[k] * source[x];
            }
        }
        return output;
    }
}
