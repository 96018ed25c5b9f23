namespace LeNet5.Imaging;

/// <summary>
/// Turns a raw pixel buffer into an opaque grey image: colour becomes luminance (the decoder's own weights, so raw and
/// encoded colour images agree), and alpha is composited onto the background.
/// </summary>
internal static class GreyConversion
{
    public static int BytesPerPixel(PixelFormat format) => format switch
    {
        PixelFormat.Grey8 => 1,
        PixelFormat.GreyAlpha16 => 2,
        PixelFormat.Rgb24 => 3,
        PixelFormat.Rgba32 or PixelFormat.Bgra32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };

    /// <summary>The caller has checked that the buffer holds <paramref name="height"/> rows of <paramref name="stride"/> bytes.</summary>
    public static GreyImage ToGrey(ReadOnlySpan<byte> pixels, int width, int height, int stride, PixelFormat format, InkPolarity polarity)
    {
        var grey = new byte[width * height];
        var alpha = HasAlpha(format) ? new byte[width * height] : null;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = pixels.Slice(y * stride, width * BytesPerPixel(format));
            Span<byte> greyRow = grey.AsSpan(y * width, width);
            for (int x = 0; x < width; x++) greyRow[x] = Luminance(row, x, format);
            if (alpha is not null)
            {
                int offset = format == PixelFormat.GreyAlpha16 ? 1 : 3, step = BytesPerPixel(format);
                for (int x = 0; x < width; x++) alpha[y * width + x] = row[x * step + offset];
            }
        }
        var image = new GreyImage(grey, width, height);
        if (alpha is not null) Composite(image, alpha, polarity);
        return image;
    }

    private static bool HasAlpha(PixelFormat format) => format is PixelFormat.GreyAlpha16 or PixelFormat.Rgba32 or PixelFormat.Bgra32;

    private static byte Luminance(ReadOnlySpan<byte> row, int x, PixelFormat format)
    {
        switch (format)
        {
            case PixelFormat.Grey8: return row[x];
            case PixelFormat.GreyAlpha16: return row[2 * x];
            case PixelFormat.Rgb24: return Luminance(row[3 * x], row[3 * x + 1], row[3 * x + 2]);
            case PixelFormat.Rgba32: return Luminance(row[4 * x], row[4 * x + 1], row[4 * x + 2]);
            default: return Luminance(row[4 * x + 2], row[4 * x + 1], row[4 * x]);
        }
    }

    /// <summary>stb_image's integer luminance, the one the decoder uses for colour files.</summary>
    private static byte Luminance(byte red, byte green, byte blue) => (byte)((red * 77 + green * 150 + blue * 29) >> 8);

    /// <summary>
    /// Puts the image onto its background. An opaque border gives the background's grey (paper with a transparent
    /// hole); a transparent border means the strokes are the opaque part, so the background is white behind dark
    /// strokes and black behind light ones (or as the polarity says).
    /// </summary>
    private static void Composite(GreyImage image, byte[] alpha, InkPolarity polarity)
    {
        byte[] grey = image.Pixels;
        int opaqueBorder = 0, border = 0;
        Span<long> borderHistogram = stackalloc long[256];
        foreach (int i in BorderRing.Indices(image.Width, image.Height, 1))
        {
            border++;
            if (alpha[i] < 128) continue;
            opaqueBorder++;
            borderHistogram[grey[i]]++;
        }
        byte background;
        if (opaqueBorder * 2 >= border)
        {
            background = Histogram.Percentile(borderHistogram, 0.5);
        }
        else if (polarity != InkPolarity.Auto)
        {
            background = polarity == InkPolarity.DarkOnLight ? (byte)255 : (byte)0;
        }
        else
        {
            // Alpha-weighted mean grey of the strokes.
            double sum = 0, weight = 0;
            for (int i = 0; i < grey.Length; i++)
            {
                sum += (double)grey[i] * alpha[i];
                weight += alpha[i];
            }
            background = weight == 0 || sum / weight < 128 ? (byte)255 : (byte)0;
        }
        for (int i = 0; i < grey.Length; i++) grey[i] = (byte)((grey[i] * alpha[i] + background * (255 - alpha[i]) + 127) / 255);
    }
}
