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
    /// flat paper and flat strokes keep small), the polarity (the side of the background whose outliers weigh more) and
    /// the ink's level (the 90th percentile of the outliers). Returns null when nothing stands out from the noise.
    /// </summary>
    public static InkLevels? Measure(GreyImage image, InkPolarity polarity)
    {
        Span<long> border = stackalloc long[256];
        foreach (int i in BorderRing.Indices(image.Width, image.Height, BorderRing.Thickness(image.Width, image.Height))) border[image.Pixels[i]]++;
        int background = Histogram.Percentile(border, 0.5);

        Span<long> levels = stackalloc long[256];
        foreach (byte v in image.Pixels) levels[v]++;
        double noise = NoiseDeviation(image);
        int margin = (int)Math.Max(MinimumContrast, Math.Ceiling(4 * noise));

        if (polarity == InkPolarity.Auto)
        {
            // Squared distances: a few strokes far from the background outweigh wide gentle shading of the paper.
            double light = 0, dark = 0;
            for (int v = 0; v < 256; v++)
            {
                int d = v - background;
                if (d > margin) light += (double)d * d * levels[v];
                else if (-d > margin) dark += (double)d * d * levels[v];
            }
            if (light == 0 && dark == 0) return null;
            polarity = light > dark ? InkPolarity.LightOnDark : InkPolarity.DarkOnLight;
        }
        int direction = polarity == InkPolarity.LightOnDark ? 1 : -1;

        Span<long> outliers = stackalloc long[256];
        Span<long> borderSpread = stackalloc long[256];
        for (int v = 0; v < 256; v++)
        {
            int d = direction * (v - background);
            if (d > margin) outliers[d] += levels[v];
            borderSpread[Math.Abs(v - background)] += border[v];
        }
        int contrast = Histogram.Percentile(outliers, 0.9);
        if (contrast <= margin) return null;

        // Levels below the floor are background: noise, shading, a faint grey paper.
        double floor = Math.Min(0.3, (2 * noise + Histogram.Percentile(borderSpread, 0.5)) / contrast);
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

    /// <summary>
    /// The standard deviation of pixel noise, from the median absolute difference of horizontal neighbours
    /// (for Gaussian noise it is 0.954 sigma); edges are too few to move the median.
    /// </summary>
    private static double NoiseDeviation(GreyImage image)
    {
        Span<long> differences = stackalloc long[256];
        for (int y = 0; y < image.Height; y++)
        {
            ReadOnlySpan<byte> row = image.Row(y);
            for (int x = 1; x < row.Length; x++) differences[Math.Abs(row[x] - row[x - 1])]++;
        }
        return Histogram.Percentile(differences, 0.5) / 0.954;
    }
}
