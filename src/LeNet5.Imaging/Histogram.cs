namespace LeNet5.Imaging;

/// <summary>Counts of the 256 grey levels, or of distances 0 to 255.</summary>
internal static class Histogram
{
    /// <summary>The smallest level at or below which <paramref name="fraction"/> of the counts lie (0 when empty).</summary>
    public static byte Percentile(ReadOnlySpan<long> counts, double fraction)
    {
        long total = 0;
        foreach (long c in counts) total += c;
        if (total == 0) return 0;
        double target = Math.Max(1, fraction * total);
        long cumulative = 0;
        for (int level = 0; level < counts.Length; level++)
        {
            cumulative += counts[level];
            if (cumulative >= target) return (byte)level;
        }
        return (byte)(counts.Length - 1);
    }
}
