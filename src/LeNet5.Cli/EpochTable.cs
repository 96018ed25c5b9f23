using System.Globalization;
using Spectre.Console;

namespace LeNet5.Cli;

/// <summary>
/// The per-epoch table on stdout, a row as each epoch ends, 79 columns wide so that an 80-column terminal shows it
/// unwrapped. A row that beats every earlier one is marked <c>best</c> (in green on a colour terminal): the last row
/// marked is the run's best epoch.
/// </summary>
internal sealed class EpochTable(TextWriter writer, string evaluated)
{
    private readonly IAnsiConsole? _console = Terminal.For(writer);

    public void WriteHeader() => writer.WriteLine(evaluated == "test"
        ? "epoch  train loss  test loss  test accuracy         lr  images/s  seconds"
        : "epoch  train loss   val loss   val accuracy         lr  images/s  seconds");

    public void WriteRow(EpochRecord row, float learningRate, bool best)
    {
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{row.Epoch,5}  {row.TrainLoss,10:F4}  {row.TestLoss,9:F4}  {row.TestAccuracy * 100,12:F2}%  {Formatting.Plain(learningRate, 4),9}  {row.ImagesPerSecond,8:N0}  {row.Seconds,7:F1}");
        if (!best)
        {
            writer.WriteLine(text);
        }
        else if (_console is null)
        {
            writer.WriteLine(text + "  best");
        }
        else
        {
            _console.Write(new Text(text));
            _console.MarkupLine("  [green bold]best[/]");
        }
    }
}
