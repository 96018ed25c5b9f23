namespace LeNet5.Imaging;

/// <summary>The pixels of an image's outer ring, where the background is in almost every picture of a digit.</summary>
internal static class BorderRing
{
    /// <summary>The ring's thickness: one pixel in small images, a little more in large ones so noise averages out.</summary>
    public static int Thickness(int width, int height) => Math.Max(1, Math.Min(width, height) / 64);

    /// <summary>Row-major indices of the pixels within <paramref name="thickness"/> of an edge, each once.</summary>
    public static IEnumerable<int> Indices(int width, int height, int thickness)
    {
        for (int y = 0; y < height; y++)
        {
            bool wholeRow = y < thickness || y >= height - thickness;
            for (int x = 0; x < width; x++)
            {
                if (!wholeRow && x == thickness && width - thickness > thickness) x = width - thickness;
                yield return y * width + x;
            }
        }
    }
}
