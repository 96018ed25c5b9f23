namespace LeNet5.Imaging;

/// <summary>
/// Where one axis of the source lands in the output, in continuous coordinates (pixel i spans [i, i + 1)):
/// <c>output = (source - SourceCentre) * Scale + OutputCentre</c>.
/// </summary>
internal readonly record struct AxisMapping(double Scale, double SourceCentre, double OutputCentre)
{
    public double ToSource(double output) => (output - OutputCentre) / Scale + SourceCentre;

    /// <summary>
    /// The source pixels in [<paramref name="start"/>, <paramref name="end"/>) that make each of the
    /// <paramref name="length"/> output pixels, with their weights: the covered area when shrinking (area averaging),
    /// linear interpolation between the two nearest pixel centres when enlarging. Pixels outside the range are background.
    /// </summary>
    public (int First, float[] Weights)[] Taps(int start, int end, int length)
    {
        var taps = new (int, float[])[length];
        for (int o = 0; o < length; o++)
        {
            if (Scale <= 1)
            {
                double from = ToSource(o), to = ToSource(o + 1);
                int first = (int)Math.Clamp(Math.Floor(from), start, end), last = (int)Math.Clamp(Math.Ceiling(to), start, end);
                var weights = new float[last - first];
                for (int s = first; s < last; s++) weights[s - first] = (float)(Math.Max(0, Math.Min(to, s + 1) - Math.Max(from, s)) * Scale);
                taps[o] = (first, weights);
            }
            else
            {
                double centre = ToSource(o + 0.5) - 0.5;
                double floor = Math.Floor(centre);
                float fraction = (float)(centre - floor);
                int left = (int)Math.Clamp(floor, start - 1, end);
                int first = Math.Clamp(left, start, end), last = Math.Clamp(left + 2, start, end);
                var weights = new float[last - first];
                for (int s = first; s < last; s++) weights[s - first] = s == left ? 1 - fraction : fraction;
                taps[o] = (first, weights);
            }
        }
        return taps;
    }
}
