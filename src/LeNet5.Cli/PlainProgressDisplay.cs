using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Training;

namespace LeNet5.Cli;

/// <summary>Progress as plain lines, for a log or a pipe: one at every quarter of an epoch.</summary>
internal sealed class PlainProgressDisplay(TextWriter writer, RunPlan plan) : ProgressDisplay(plan)
{
    private int _epoch;
    private int _lastQuarter;

    public override T RunEpoch<T>(int epoch, EpochRecord? best, Func<T> work)
    {
        _epoch = epoch;
        _lastQuarter = 0;
        T result = work();
        writer.Flush();
        return result;
    }

    public override void Report(TrainingProgress progress)
    {
        int quarter = (int)(progress.Fraction * 4);
        if (quarter <= _lastQuarter) return;
        _lastQuarter = quarter;
        (TimeSpan elapsed, TimeSpan? remaining) = RunTime(_epoch, progress.ImagesDone);
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {_epoch + 1}/{Plan.Epochs}: {progress.Fraction * 100:F0}%  {progress.ImagesDone}/{progress.ImagesTotal} images  {progress.ImagesPerSecond:N0} images/s  loss {progress.RunningLoss:F4}  (run {RunFraction(_epoch, progress.ImagesDone) * 100:F0}%: {Times(elapsed, remaining)})"));
    }
}
