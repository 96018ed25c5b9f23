using System.Globalization;

namespace LeNet5.Cli;

/// <summary>Numbers, counts and durations as the console prints them: invariant culture, no exponents, plurals right.</summary>
internal static class Formatting
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// <paramref name="value"/> in plain decimal notation, as a person writes a learning rate: <c>0.00005</c>, not
    /// <c>5E-05</c>; the shortest text that reads back as the same float, or <paramref name="significantDigits"/> digits.
    /// </summary>
    public static string Plain(float value, int? significantDigits = null)
    {
        string text = value.ToString(significantDigits is int digits ? "G" + digits.ToString(Invariant) : "R", Invariant);
        // decimal holds 28 digits after the point: past that (or for NaN and infinities) the exponent stays.
        if (!text.Contains('E', StringComparison.Ordinal) || !float.IsFinite(value) || MathF.Abs(value) is < 1e-20f or > 1e20f) return text;
        return decimal.Parse(text, NumberStyles.Float, Invariant).ToString(Invariant);
    }

    /// <summary><c>1 epoch</c>, <c>3 epochs</c>: <paramref name="count"/> with the noun in the right number.</summary>
    public static string Count(int count, string noun) =>
        string.Create(Invariant, $"{count:N0} {noun}{(count == 1 ? "" : "s")}");

    /// <summary><c>0:07</c>, <c>12:34</c>, <c>1:02:03</c>: a duration as a clock shows it, to the second.</summary>
    public static string Clock(TimeSpan duration)
    {
        long seconds = Math.Max(0, (long)duration.TotalSeconds);
        return seconds >= 3600
            ? string.Create(Invariant, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}")
            : string.Create(Invariant, $"{seconds / 60}:{seconds % 60:00}");
    }
}
