using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using LeNet5.Cli;
using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>
/// <c>train --keep</c> and <c>--patience</c>: the best epoch's weights kept beside the last, early stopping on the
/// validation split, and both through <c>--resume</c> and Ctrl+C.
/// </summary>
public sealed class BestCheckpointTests : IDisposable
{
    private const int Validation = 500;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string[] Train(string output, params string[] more) =>
        ["train", "--data", TestData.MnistFolder, "--limit", "1000", "--validation", Validation.ToString(CultureInfo.InvariantCulture), "--threads", "2", "--output", output, .. more];

    [Fact]
    public void Patience_stops_on_the_validation_split_and_leaves_the_best_weights()
    {
        string checkpoint = _temp.File("run/model.safetensors");
        var run = Lenet5Console.Capture(Train(checkpoint, "--epochs", "30", "--patience", "2", "--keep", "best"));
        Assert.True(run.Code == 0, run.Error);
        EpochRecord[] rows = [.. TrainingHistory.ReadCsv(TrainingHistory.CsvPath(checkpoint))];
        EpochRecord best = BestOf(checkpoint);
        Assert.True(rows.Length < 30, $"no early stop in {rows.Length} epochs");
        Assert.Equal(best.Epoch + 2, rows[^1].Epoch);
        Assert.Contains($"stopped early: no better validation accuracy in the 2 epochs after epoch {best.Epoch}", run.Out);
        string bestPath = KeptCheckpoints.BestPath(checkpoint);
        Assert.Equal(_temp.File("run/model.best.safetensors"), bestPath);
        Assert.Contains($"best:       {bestPath} (epoch {best.Epoch})", run.Out);
        // The table marks each new best; the last row marked is the best epoch.
        Assert.Matches($@"(?m)^\s+{best.Epoch}\s.*  best$", run.Out.Replace("\r", ""));
        Assert.DoesNotMatch($@"(?m)^\s+{rows[^1].Epoch}\s.*  best$", run.Out.Replace("\r", ""));
        Assert.False((run.Out + run.Error).Contains('\u001b'), "escape sequences in redirected output"); // plain lines

        // The best file holds the best epoch's weights: evaluated again on the validation images, they give its accuracy.
        Checkpoint kept = Checkpoint.Load<LeNet5Network>(bestPath);
        Assert.Equal(best.Epoch.ToString(CultureInfo.InvariantCulture), kept.Metadata["epoch"]);
        using (var evaluator = new Evaluator<LeNet5Network>())
            Assert.Equal(best.TestAccuracy, evaluator.Evaluate(kept.Parameters, TestData.Train.Skip(60_000 - Validation)).Accuracy);
        Assert.Equal(rows[^1].Epoch.ToString(CultureInfo.InvariantCulture), Checkpoint.Load<LeNet5Network>(checkpoint).Metadata["epoch"]);

        // Resumed with the same patience, the run has nothing left to do; with more, it goes on.
        var again = Lenet5Console.Capture(Train(checkpoint, "--epochs", "30", "--patience", "2", "--resume"));
        Assert.True(again.Code == 0, again.Error);
        Assert.Contains("has stopped early (no better validation accuracy in the 2 epochs after epoch", again.Out);
        Assert.Equal(rows.Length, TrainingHistory.ReadCsv(TrainingHistory.CsvPath(checkpoint)).Count);
        int next = rows[^1].Epoch + 1;
        var further = Lenet5Console.Capture(Train(checkpoint, "--epochs", next.ToString(CultureInfo.InvariantCulture), "--patience", "3", "--resume"));
        Assert.True(further.Code == 0, further.Error);
        Assert.Equal(next, TrainingHistory.ReadCsv(TrainingHistory.CsvPath(checkpoint)).Count);

        // Without the best epoch's weights a resumed run cannot keep the best: it says so rather than keep another.
        EpochRecord bestNow = BestOf(checkpoint);
        File.Delete(bestPath);
        var lost = Lenet5Console.Capture(Train(checkpoint, "--epochs", (next + 1).ToString(CultureInfo.InvariantCulture), "--resume"));
        Assert.Equal(1, lost.Code);
        Assert.Contains($"{bestPath} should hold epoch {bestNow.Epoch}, the best of this run so far, but there is no such file", lost.Error);
        Assert.Contains("resume with --keep last", lost.Error);
        Assert.True(Lenet5Console.Capture(Train(checkpoint, "--epochs", (next + 1).ToString(CultureInfo.InvariantCulture), "--resume", "--keep", "last")).Code == 0);
    }

    [Fact]
    public void Resume_keeps_the_best_and_every_epoch_as_an_uninterrupted_run_does()
    {
        string straight = _temp.File("straight/model.safetensors"), resumed = _temp.File("resumed/model.safetensors");
        Assert.Equal(0, Lenet5Console.Run(Train(straight, "--epochs", "4", "--keep", "all"), TextWriter.Null, TextWriter.Null));
        Assert.Equal(0, Lenet5Console.Run(Train(resumed, "--epochs", "2", "--keep", "all"), TextWriter.Null, TextWriter.Null));
        var stdout = new StringWriter();
        Assert.Equal(0, Lenet5Console.Run(Train(resumed, "--epochs", "4", "--keep", "all", "--resume"), stdout, TextWriter.Null));
        string[] kept = ["model.safetensors", "model.best.safetensors", "model.epoch-01.safetensors", "model.epoch-02.safetensors", "model.epoch-03.safetensors", "model.epoch-04.safetensors"];
        Assert.Equal(Files(straight), Files(resumed));
        foreach (string name in kept) Assert.Equal(TensorBytes(Sibling(straight, name)), TensorBytes(Sibling(resumed, name)));
        EpochRecord best = BestOf(resumed);
        Assert.Equal(best.Epoch.ToString(CultureInfo.InvariantCulture), Checkpoint.Load<LeNet5Network>(KeptCheckpoints.BestPath(resumed)).Metadata["epoch"]);
        Assert.Contains($"best:       {KeptCheckpoints.BestPath(resumed)} (epoch {best.Epoch})", stdout.ToString());
        Assert.Contains($"epochs:     {KeptCheckpoints.EpochPath(resumed, 1)} to model.epoch-04.safetensors", stdout.ToString());

        // A kill after the checkpoint's save but before its copies': the resumed run writes them again.
        Assert.Equal(4, best.Epoch); // 1,000 images improve for more than 4 epochs, so the last epoch is the best
        File.Delete(KeptCheckpoints.BestPath(resumed));
        File.Delete(KeptCheckpoints.EpochPath(resumed, 4));
        Assert.Equal(0, Lenet5Console.Run(Train(resumed, "--epochs", "4", "--keep", "all", "--resume"), TextWriter.Null, TextWriter.Null));
        foreach (string name in kept) Assert.Equal(TensorBytes(Sibling(straight, name)), TensorBytes(Sibling(resumed, name)));

        // A run that kept only its last checkpoint resumes with --keep best when its last epoch is its best.
        string last = _temp.File("last/model.safetensors");
        Assert.Equal(0, Lenet5Console.Run(Train(last, "--epochs", "2", "--keep", "last"), TextWriter.Null, TextWriter.Null));
        Assert.Equal(["model.csv", "model.lock", "model.optimizer.safetensors", "model.png", "model.safetensors"], Files(last));
        Assert.Equal(0, Lenet5Console.Run(Train(last, "--epochs", "3", "--resume"), TextWriter.Null, TextWriter.Null));
        Assert.Equal(TensorBytes(Sibling(straight, "model.epoch-03.safetensors")), TensorBytes(KeptCheckpoints.BestPath(last)));
    }

    [Fact]
    public void Ctrl_C_keeps_the_last_and_the_best_checkpoint()
    {
        string checkpoint = _temp.File("stopped/model.safetensors");
        using var cancellation = new CancellationTokenSource();
        // Ctrl+C as epoch 2's row is printed: epoch 2 is saved, and epoch 3 stops at its first step.
        var stdout = new CancelAtRow(2, cancellation);
        var stderr = new StringWriter();
        Assert.Equal(130, Lenet5Console.Run(Train(checkpoint, "--epochs", "5"), stdout, stderr, cancellation.Token));
        Assert.Contains("lenet5: interrupted; checkpoints of completed epochs are kept", stderr.ToString());
        Assert.Contains("interrupted in epoch 3", stdout.ToString());
        Assert.Equal("2", Checkpoint.Load<LeNet5Network>(checkpoint).Metadata["epoch"]);
        EpochRecord best = BestOf(checkpoint);
        Checkpoint kept = Checkpoint.Load<LeNet5Network>(KeptCheckpoints.BestPath(checkpoint));
        Assert.Equal(best.Epoch.ToString(CultureInfo.InvariantCulture), kept.Metadata["epoch"]);
        Assert.Contains($"best:       {KeptCheckpoints.BestPath(checkpoint)} (epoch {best.Epoch})", stdout.ToString());
        using (var evaluator = new Evaluator<LeNet5Network>())
            Assert.Equal(best.TestAccuracy, evaluator.Evaluate(kept.Parameters, TestData.Train.Skip(60_000 - Validation)).Accuracy);
        // And the run goes on from there.
        Assert.Equal(0, Lenet5Console.Run(Train(checkpoint, "--epochs", "3", "--resume"), TextWriter.Null, TextWriter.Null));
        Assert.Equal("3", Checkpoint.Load<LeNet5Network>(checkpoint).Metadata["epoch"]);
    }

    [Fact]
    public void Bad_keep_and_patience_are_one_line_errors()
    {
        var keep = Lenet5Console.Capture("train", "--keep", "first");
        Assert.Equal(1, keep.Code);
        Assert.Contains("'first'", keep.Error);
        Assert.Contains("best", keep.Error);
        var patience = Lenet5Console.Capture(Train(_temp.File("none.safetensors"), "--patience", "0"));
        Assert.Equal(1, patience.Code);
        Assert.Equal("lenet5: error: --patience must be at least 1, not 0", patience.Error.Trim());
    }

    private static EpochRecord BestOf(string checkpoint)
    {
        IReadOnlyList<EpochRecord> rows = TrainingHistory.ReadCsv(TrainingHistory.CsvPath(checkpoint));
        return rows.First(r => r.TestAccuracy == rows.Max(s => s.TestAccuracy));
    }

    private static string Sibling(string checkpoint, string name) => Path.Combine(Path.GetDirectoryName(checkpoint)!, name);

    private static byte[] TensorBytes(string checkpoint) => MemoryMarshal.AsBytes(Checkpoint.Load<LeNet5Network>(checkpoint).Parameters.AsSpan()).ToArray();

    private static string[] Files(string checkpoint) =>
        [.. Directory.GetFiles(Path.GetDirectoryName(checkpoint)!).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    /// <summary>stdout that presses Ctrl+C (cancels) once the table row of <paramref name="epoch"/> is written.</summary>
    private sealed class CancelAtRow(int epoch, CancellationTokenSource cancellation) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && Regex.IsMatch(value, $@"^\s+{epoch}\s+\d")) cancellation.Cancel();
        }
    }
}
