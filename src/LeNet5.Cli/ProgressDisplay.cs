using System.Diagnostics;
using LeNet5.Runtime;
using LeNet5.Runtime.Training;
using Spectre.Console;

namespace LeNet5.Cli;

/// <summary>What the progress display knows of a training run.</summary>
/// <param name="FirstEpoch">The epoch this process starts at, 0-based (more than 0 when resumed).</param>
/// <param name="Epochs">Epochs of the whole run.</param>
/// <param name="ImagesPerEpoch">Training images per epoch.</param>
/// <param name="Evaluated">What each epoch is evaluated on: "test" or "validation".</param>
internal sealed record RunPlan(int FirstEpoch, int Epochs, int ImagesPerEpoch, string Evaluated);

/// <summary>
/// The progress of a training run, on stderr: the epoch and the whole run, each with elapsed and remaining time, and
/// the epoch's images/s and running loss. A live Spectre.Console display on a terminal, plain lines otherwise.
/// </summary>
internal abstract class ProgressDisplay(RunPlan plan)
{
    private readonly Stopwatch _run = Stopwatch.StartNew();

    protected RunPlan Plan { get; } = plan;

    /// <summary>The live display when stderr is a terminal that takes ANSI sequences, else plain lines.</summary>
    public static ProgressDisplay Create(Output output, RunPlan plan) =>
        (output.Interactive ? Terminal.For(output.Error) : null) is IAnsiConsole console
            ? new LiveProgressDisplay(console, plan)
            : new PlainProgressDisplay(output.Error, plan);

    /// <summary>Runs one epoch's work, its training and then its evaluation, while the display shows it.</summary>
    /// <param name="epoch">The epoch, 0-based.</param>
    /// <param name="best">The best epoch so far, if any.</param>
    /// <param name="work">The epoch's work; it reports its steps to <see cref="Report"/>.</param>
    public abstract T RunEpoch<T>(int epoch, EpochRecord? best, Func<T> work);

    /// <summary>The trainer's progress callback, after every step.</summary>
    public abstract void Report(TrainingProgress progress);

    /// <summary>The epoch's training is done; the evaluation of <paramref name="images"/> images starts.</summary>
    public virtual void Evaluating(int images) { }

    /// <summary>The share of the whole run done once <paramref name="imagesDone"/> images of <paramref name="epoch"/> are.</summary>
    protected double RunFraction(int epoch, int imagesDone) => (epoch + (double)imagesDone / Plan.ImagesPerEpoch) / Plan.Epochs;

    /// <summary>
    /// The time this process has trained and an estimate of the rest of the run at its pace so far (evaluations
    /// included); null before the first step. Early stopping can end the run sooner.
    /// </summary>
    protected (TimeSpan Elapsed, TimeSpan? Remaining) RunTime(int epoch, int imagesDone)
    {
        TimeSpan elapsed = _run.Elapsed;
        long done = (long)(epoch - Plan.FirstEpoch) * Plan.ImagesPerEpoch + imagesDone;
        long left = (long)(Plan.Epochs - epoch) * Plan.ImagesPerEpoch - imagesDone;
        return (elapsed, done > 0 ? elapsed * ((double)left / done) : null);
    }

    /// <summary>The time left in the epoch at its pace so far; null before the first step.</summary>
    protected static TimeSpan? EpochRemaining(TrainingProgress progress) =>
        progress.ImagesPerSecond > 0 ? TimeSpan.FromSeconds((progress.ImagesTotal - progress.ImagesDone) / progress.ImagesPerSecond) : null;

    /// <summary><c>0:12, 1:05 left</c>.</summary>
    protected static string Times(TimeSpan elapsed, TimeSpan? remaining) =>
        $"{Formatting.Clock(elapsed)}, {(remaining is TimeSpan left ? Formatting.Clock(left) : "-:--")} left";
}
