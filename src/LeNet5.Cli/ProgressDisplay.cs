using System.Diagnostics;
using System.Globalization;
using LeNet5.Runtime;

namespace LeNet5.Cli;

/// <summary>
/// The progress bar of one epoch: redrawn in place with \r on a terminal (at most 10 times a second), plain lines
/// at every quarter when the output is redirected.
/// </summary>
internal sealed class ProgressDisplay(TextWriter writer, bool interactive, int epoch, int epochs)
{
    private const int BarWidth = 30;
    private long _lastDraw;
    private int _lastQuarter;
    private int _lastLength;

    public void Report(TrainingProgress progress)
    {
        if (interactive)
        {
            long now = Stopwatch.GetTimestamp();
            if (progress.ImagesDone < progress.ImagesTotal && Stopwatch.GetElapsedTime(_lastDraw, now).TotalMilliseconds < 100) return;
            _lastDraw = now;
            int filled = (int)(progress.Fraction * BarWidth);
            string text = string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}/{epochs} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {progress.Fraction * 100,5:F1}%  {progress.ImagesPerSecond,8:N0} images/s  loss {progress.RunningLoss:F4}  {Remaining(progress)}");
            writer.Write("\r" + text + new string(' ', Math.Max(0, _lastLength - text.Length)));
            _lastLength = text.Length;
        }
        else
        {
            int quarter = (int)(progress.Fraction * 4);
            if (quarter <= _lastQuarter) return;
            _lastQuarter = quarter;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}/{epochs}: {progress.Fraction * 100:F0}%  {progress.ImagesDone}/{progress.ImagesTotal} images  {progress.ImagesPerSecond:N0} images/s  loss {progress.RunningLoss:F4}"));
        }
    }

    private static string Remaining(TrainingProgress progress)
    {
        if (progress.ImagesDone >= progress.ImagesTotal || progress.ImagesPerSecond <= 0) return "";
        double seconds = (progress.ImagesTotal - progress.ImagesDone) / progress.ImagesPerSecond;
        return seconds >= 60
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)seconds / 60}m{(int)seconds % 60:00}s left")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds:F0}s left");
    }

    public void Finish()
    {
        if (interactive && _lastLength > 0) writer.Write("\r" + new string(' ', _lastLength) + "\r");
        writer.Flush();
    }
}
