using System.Text.RegularExpressions;
using LeNet5.Cli;
using LeNet5.Runtime.Training;
using Spectre.Console;

namespace LeNet5.Runtime.Tests;

/// <summary>What <c>train</c> shows a person: the live display on a terminal, numbers and words in the help and the recipe.</summary>
public sealed class TrainingConsoleTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(80)]
    [InlineData(160)]
    [InlineData(60)]
    [InlineData(30)]
    public void The_live_display_never_draws_a_line_wider_than_the_terminal(int width)
    {
        var screen = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(screen),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = width;
        var display = new LiveProgressDisplay(console, new RunPlan(FirstEpoch: 0, Epochs: 10, ImagesPerEpoch: 60_000, "validation"));
        display.RunEpoch(9, new EpochRecord(9, 0.05, 0.04, 0.9912, 22_000, 2.7), () =>
        {
            for (int step = 1; step <= 3; step++)
            {
                display.Report(new TrainingProgress(9, step * 20_000, 60_000, 0.0123, 123_456, TimeSpan.FromSeconds(step)));
                Thread.Sleep(150); // Spectre redraws 10 times a second
            }
            display.Evaluating(6_000);
            Thread.Sleep(150);
            return 0;
        });

        string drawn = screen.ToString();
        Assert.Contains("\u001b[", drawn, StringComparison.Ordinal); // colour and cursor movement
        // What a terminal shows: colours change no width; a cursor movement, \r or \n starts the next piece of text,
        // which starts at the left edge and must end before the right one.
        string uncoloured = Regex.Replace(drawn, @"\u001b\[[0-9;]*m", "");
        string[] lines = Regex.Replace(uncoloured, @"\u001b\[[0-9;?]*[A-Za-z]", "\n").Split('\r', '\n');
        Assert.All(lines, line => Assert.True(line.TrimEnd('\r').Length <= width, $"{line.Length} > {width}: {line}"));
        string text = string.Join("\n", lines);
        Assert.Contains("epoch 10/10", text);
        Assert.Equal(width >= 48, text.Contains(" left", StringComparison.Ordinal)); // narrower, the times go
        if (width >= 80)
        {
            Assert.Contains("123,456 images/s  loss 0.0123", text);
            Assert.Contains("evaluating 6,000 validation images", text);
            Assert.Contains("best 99.12% (epoch 9)", text);
            Assert.Matches(@"run\s+━+\s+100%", text); // the last epoch's end is the run's
        }
    }

    [Theory]
    [InlineData(5e-5f, null, "0.00005")]
    [InlineData(0.05f, null, "0.05")]
    [InlineData(0.0115794f, 4, "0.01158")]
    [InlineData(1.2345e-6f, 4, "0.000001235")]
    [InlineData(1e6f, null, "1000000")]
    [InlineData(0.85f, null, "0.85")]
    public void Rates_are_printed_without_exponents(float value, int? digits, string expected) =>
        Assert.Equal(expected, Formatting.Plain(value, digits));

    [Fact]
    public void Counts_say_one_epoch_and_clocks_hours()
    {
        Assert.Equal("1 epoch", Formatting.Count(1, "epoch"));
        Assert.Equal("12,000 images", Formatting.Count(12_000, "image"));
        Assert.Equal("0:07", Formatting.Clock(TimeSpan.FromSeconds(7.9)));
        Assert.Equal("1:02:03", Formatting.Clock(new TimeSpan(1, 2, 3)));
    }

    [Fact]
    public void The_recipe_says_one_epoch_and_rates_as_decimals()
    {
        var run = Lenet5Console.Capture("train", "--data", TestData.MnistFolder, "--epochs", "1", "--limit", "200", "--lr", "0.00005",
            "--threads", "1", "--output", _temp.File("one/model.safetensors"));
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("recipe: 1 epoch, batch 64, sgd lr 0.00005 x0.85 per epoch, momentum 0.9, seed 1", run.Out);
        Assert.Contains("LeNet5: 61,706 parameters, 1 thread", run.Out);
        Assert.Matches(@"(?m)^\s+1\s.*\s0\.00005\s", run.Out);
    }

    [Fact]
    public void Every_option_names_its_value_in_one_vocabulary()
    {
        // Every command the root help lists, and the subcommands of those that have them.
        string root = Lenet5Console.Capture("--help").Out;
        var commands = new List<string[]>();
        foreach (string name in Commands(root))
        {
            string help = Lenet5Console.Capture(name, "--help").Out;
            List<string> sub = Commands(help);
            if (sub.Count == 0) commands.Add([name]);
            else commands.AddRange(sub.Select(s => new[] { name, s }));
        }
        Assert.Contains(commands, c => c is ["train"]);
        foreach (string[] command in commands)
        {
            string help = Lenet5Console.Capture([.. command, "--help"]).Out;
            foreach (Match value in Regex.Matches(help, @"^\s+(?:-\S+, )*(--[a-z-]+) <([^>]+)>", RegexOptions.Multiline))
            {
                string name = value.Groups[2].Value;
                // A number (N whole, X real), a folder, a file, a name, a list or a pair (a=b) of those, or the choices themselves.
                Assert.True(name.Split(',', '=').All(part => part is "N" or "X" or "DIR" or "PATH" or "NAME") || name.Contains('|'),
                    $"{string.Join(' ', command)} {value.Groups[1].Value} <{name}>");
            }
        }
    }

    [Theory]
    [InlineData(1, 1, "1")]
    [InlineData(1, 10, "1 2 3 4 5 6 7 8 9 10")]
    [InlineData(4, 6, "4 5 6")]
    [InlineData(1, 30, "2 4 6 8 10 12 14 16 18 20 22 24 26 28 30")]
    [InlineData(1, 100, "10 20 30 40 50 60 70 80 90 100")]
    public void The_plot_labels_whole_epochs(int first, int last, string expected) =>
        Assert.Equal(expected, string.Join(' ', TrainingPlot.LabelledEpochs(first, last)));

    /// <summary>The names under "Commands:" in a help text.</summary>
    private static List<string> Commands(string help)
    {
        Match section = Regex.Match(help, @"Commands:\r?\n((?:  .*\r?\n?)+)");
        return section.Success ? [.. Regex.Matches(section.Groups[1].Value, @"^  (\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value)] : [];
    }
}
