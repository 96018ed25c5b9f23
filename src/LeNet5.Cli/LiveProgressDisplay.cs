using System.Diagnostics;
using System.Globalization;
using LeNet5.Runtime;
using LeNet5.Runtime.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LeNet5.Cli;

/// <summary>
/// Progress on a terminal: two lines redrawn in place by Spectre.Console, the epoch's and the whole run's, laid out for
/// the terminal's width (the bar takes what the text leaves, so a line never wraps). A display lives for one epoch:
/// between epochs it is cleared and the epoch's row goes to stdout, so the table grows above it.
/// </summary>
internal sealed class LiveProgressDisplay(IAnsiConsole console, RunPlan plan) : ProgressDisplay(plan)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly Stopwatch _epochClock = new();
    private readonly Stopwatch _sinceRefresh = Stopwatch.StartNew();
    private ProgressContext? _context;
    private int _epoch;
    private EpochRecord? _best;
    // Written by the training thread, read by Spectre's refresh thread: one immutable value swapped whole.
    private volatile EpochState _state = new(null, null);
    private ProgressTask? _epochTask;
    private ProgressTask? _runTask;

    private sealed record EpochState(TrainingProgress? Progress, int? EvaluatedImages);

    public override T RunEpoch<T>(int epoch, EpochRecord? best, Func<T> work)
    {
        _epoch = epoch;
        _best = best;
        _state = new EpochState(null, null);
        _epochClock.Restart();
        var progress = new Progress(console) { AutoClear = true, HideCompleted = false, ExcludeVerticalPadding = true };
        // A narrow terminal drops the details, then the times, rather than squeeze the bar to nothing.
        int width = console.Profile.Width;
        progress.Columns([
            new TaskDescriptionColumn { Alignment = Justify.Left },
            new ProgressBarColumn { Width = 50 },
            new PercentageColumn(),
            .. width >= 48 ? [new TextColumn(task => new Text(" " + (task == _runTask ? RunTimes() : EpochTimes()), new Style(Color.Grey)))] : Array.Empty<ProgressColumn>(),
            .. width >= 72 ? [new TextColumn(task => task == _runTask ? RunDetails() : EpochDetails())] : Array.Empty<ProgressColumn>(),
        ]);
        return progress.Start(context =>
        {
            _context = context;
            _epochTask = context.AddTask($"epoch {epoch + 1}/{Plan.Epochs}", maxValue: Plan.ImagesPerEpoch);
            _runTask = context.AddTask("run", maxValue: 1);
            _runTask.Value = RunFraction(epoch, 0);
            return work();
        });
    }

    public override void Report(TrainingProgress progress)
    {
        _state = new EpochState(progress, null);
        _epochTask?.Value = progress.ImagesDone;
        _runTask?.Value = RunFraction(_epoch, progress.ImagesDone);
        // Spectre redraws from a timer thread, which a loaded machine may starve for seconds; the training thread then
        // redraws itself, at most ten times a second.
        if (_sinceRefresh.ElapsedMilliseconds >= 100)
        {
            _context?.Refresh();
            _sinceRefresh.Restart();
        }
    }

    public override void Evaluating(int images)
    {
        _state = _state with { EvaluatedImages = images };
        _context?.Refresh();
    }

    private string EpochTimes()
    {
        EpochState state = _state;
        if (state.EvaluatedImages is not null) return Formatting.Clock(_epochClock.Elapsed);
        return Times(_epochClock.Elapsed, state.Progress is TrainingProgress p ? EpochRemaining(p) : null);
    }

    private string RunTimes()
    {
        (TimeSpan elapsed, TimeSpan? remaining) = RunTime(_epoch, _state.Progress?.ImagesDone ?? 0);
        return Times(elapsed, remaining);
    }

    private Markup EpochDetails()
    {
        EpochState state = _state;
        if (state.EvaluatedImages is int images) return Line(string.Create(Invariant, $"evaluating {images:N0} {Plan.Evaluated} images"));
        if (state.Progress is not TrainingProgress p) return Line("");
        return Line(string.Create(Invariant, $"[cyan]{p.ImagesPerSecond:N0}[/] images/s  loss [bold]{p.RunningLoss:F4}[/]"));
    }

    private Markup RunDetails() => _best is EpochRecord best
        ? Line(string.Create(Invariant, $"best [green]{best.TestAccuracy * 100:F2}%[/] (epoch {best.Epoch})"))
        : Line("");

    /// <summary>One line of markup after a space (two between columns), cut with an ellipsis in a terminal too narrow for it.</summary>
    private static Markup Line(string markup) => new Markup(" " + markup).Overflow(Overflow.Ellipsis);

    /// <summary>A column of text that is never wrapped, so that the bar is the only column that gives up width.</summary>
    private sealed class TextColumn(Func<ProgressTask, IRenderable> render) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => render(task);
    }
}
