namespace LeNet5.Imaging;

/// <summary>
/// Where the background and the ink of a grey image are, as lookup tables from a grey level to the ink's strength
/// (0 background, 1 full ink) and to whether the pixel surely is ink (the crop's threshold).
/// </summary>
internal sealed class InkLevels
{
    /// <summary>No ink stands out less than this from the background, whatever the noise (JPEG artefacts, banding).</summary>
    internal const int MinimumContrast = 12;

    private InkLevels(InkPolarity polarity, float[] strength, bool[] isInk)
    {
        Polarity = polarity;
        Strength = strength;
        IsInk = isInk;
    }

    /// <summary><see cref="InkPolarity.LightOnDark"/> or <see cref="InkPolarity.DarkOnLight"/>.</summary>
    public InkPolarity Polarity { get; }

    /// <summary>Ink strength in [0, 1] of every grey level.</summary>
    public float[] Strength { get; }

    /// <summary>Whether a grey level stands out from the background enough to count as ink for the crop.</summary>
    public bool[] IsInk { get; }

    /// <summary>
    /// Finds the background (the median of the border), the noise (from the differences of neighbouring pixels, which
    /// flat paper and flat strokes keep small), the polarity (the side of the background where pixels stand out
    /// further) and the ink's level (from the strongest pixels, so wide gentle shading does not count). Returns null
    /// when nothing stands out from the noise.
    /// </summary>
    public static InkLevels? Measure(GreyImage image, InkPolarity polarity)
    {
        Span<long> border = stackalloc long[256];
        foreach (int i in BorderRing.Indices(image.Width, image.Height, BorderRing.Thickness(image.Width, image.Height))) border[image.Pixels[i]]++;
        Span<long> levels = stackalloc long[256];
        foreach (byte v in image.Pixels) levels[v]++;
        double noise = NoiseDeviation(image);
        int margin = (int)Math.Max(MinimumContrast, Math.Ceiling(5 * noise));

        int background = Histogram.Percentile(border, 0.5);
        int borderLow = Histogram.Percentile(border, 0.05), borderHigh = Histogram.Percentile(border, 0.95);
        int imageLow = Histogram.Percentile(levels, 0.001), imageHigh = Histogram.Percentile(levels, 0.999);
        int quarter = (imageHigh - imageLow) / 4;
        if (imageHigh - imageLow > 2 * margin && borderLow - imageLow < quarter && imageHigh - borderHigh < quarter)
        {
            // Ink and background both fill the border: a digit cropped tightly. Its polarity cannot be told from the
            // border, so Auto takes the usual case, dark on light; the background is the border's other part.
            if (polarity == InkPolarity.Auto) polarity = InkPolarity.DarkOnLight;
            int split = (borderLow + borderHigh) / 2;
            Span<long> side = stackalloc long[256];
            for (int v = 0; v < 256; v++) side[v] = (polarity == InkPolarity.DarkOnLight ? v > split : v <= split) ? border[v] : 0;
            background = Histogram.Percentile(side, 0.5);
        }
        // How far each pixel is from the background on either side, and the border's spread around the background.
        Span<long> lighter = stackalloc long[256];
        Span<long> darker = stackalloc long[256];
        Span<long> borderSpread = stackalloc long[256];
        for (int v = 0; v < 256; v++)
        {
            if (v > background) lighter[v - background] += levels[v];
            else darker[background - v] += levels[v];
            borderSpread[Math.Abs(v - background)] += border[v];
        }
        long specks = Math.Clamp(image.Pixels.Length / 20000, 2, 16);
        int strongestLight = Strongest(lighter, specks), strongestDark = Strongest(darker, specks);
        // Ink stands out further than any shading of the paper or the board.
        if (polarity == InkPolarity.Auto) polarity = strongestLight > strongestDark ? InkPolarity.LightOnDark : InkPolarity.DarkOnLight;
        Span<long> distances = polarity == InkPolarity.LightOnDark ? lighter : darker;
        int strongest = polarity == InkPolarity.LightOnDark ? strongestLight : strongestDark;
        if (strongest <= margin) return null;

        // The ink's level: the 90th percentile of the pixels at least half as strong as the strongest.
        for (int d = 0; d < Math.Max(margin + 1, (strongest + 1) / 2); d++) distances[d] = 0;
        int contrast = Histogram.Percentile(distances, 0.9);
        int direction = polarity == InkPolarity.LightOnDark ? 1 : -1;

        // Levels below the floor are background: noise, shading, a faint grey paper.
        double floor = Math.Min(0.3, (margin + Histogram.Percentile(borderSpread, 0.5)) / (double)contrast);
        double threshold = Math.Max(margin, contrast / 2.0);
        var strength = new float[256];
        var isInk = new bool[256];
        for (int v = 0; v < 256; v++)
        {
            double d = direction * (v - background);
            strength[v] = (float)Math.Clamp((d / contrast - floor) / (1 - floor), 0, 1);
            isInk[v] = d >= threshold;
        }
        return new InkLevels(polarity, strength, isInk);
    }

    /// <summary>The polarity alone, for framings that keep every pixel: light on dark when nothing stands out.</summary>
    public static InkPolarity MeasurePolarity(GreyImage image, InkPolarity polarity) =>
        polarity != InkPolarity.Auto ? polarity : Measure(image, polarity)?.Polarity ?? InkPolarity.LightOnDark;

    /// <summary>The distance (0 to 255) beyond which <paramref name="specks"/> pixels lie: the strongest ink, ignoring a few specks.</summary>
    private static int Strongest(ReadOnlySpan<long> distances, long specks)
    {
        long beyond = 0;
        int strongest = distances.Length - 1;
        while (strongest > 0 && (beyond += distances[strongest]) < specks) strongest--;
        return strongest;
    }

    /// <summary>
    /// The standard deviation of pixel noise, from the median over pixels of the smaller absolute difference to the
    /// right and the lower neighbour: along an edge one of them is small, so strokes do not count (for Gaussian noise
    /// the median is 0.532 sigma).
    /// </summary>
    private static double NoiseDeviation(GreyImage image)
    {
        Span<long> differences = stackalloc long[256];
        for (int y = 0; y + 1 < image.Height; y++)
        {
            ReadOnlySpan<byte> row = image.Row(y), below = image.Row(y + 1);
            for (int x = 0; x + 1 < row.Length; x++) differences[Math.Min(Math.Abs(row[x + 1] - row[x]), Math.Abs(below[x] - row[x]))]++;
        }
        return Histogram.Percentile(differences, 0.5) / 0.532;
    }
}
