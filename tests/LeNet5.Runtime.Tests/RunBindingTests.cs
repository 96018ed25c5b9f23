using LeNet5.Cli;
using LeNet5.Model;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Optimization;

namespace LeNet5.Runtime.Tests;

/// <summary><c>--resume</c> takes only the checkpoint's own optimizer state, and survives a kill in the middle of a save.</summary>
public sealed class RunBindingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string[] Train(string output, int epochs, int seed = 1, bool resume = false) =>
        ["train", "--data", TestData.MnistFolder, "--limit", "500", "--threads", "2", "--epochs", epochs.ToString(), "--seed", seed.ToString(), "--output", output, .. resume ? new[] { "--resume" } : []];

    private static (int Code, string Error) Run(string[] args)
    {
        var stderr = new StringWriter();
        int code = Lenet5Console.Run(args, TextWriter.Null, stderr);
        return (code, stderr.ToString());
    }

    [Fact]
    public void The_optimizer_state_of_another_run_is_refused()
    {
        string mine = _temp.File("mine/model.safetensors"), other = _temp.File("other/model.safetensors");
        Assert.Equal(0, Run(Train(mine, 1)).Code);
        Assert.Equal(0, Run(Train(other, 1, seed: 2)).Code);
        // Same step count, so the old check let it through.
        File.Copy(OptimizerCheckpoint.PathFor(other), OptimizerCheckpoint.PathFor(mine), overwrite: true);

        var (code, error) = Run(Train(mine, 2, resume: true));
        Assert.Equal(1, code);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($"^lenet5: error: {System.Text.RegularExpressions.Regex.Escape(OptimizerCheckpoint.PathFor(mine))}: optimizer state of run [0-9a-f]{{32}} cannot resume the checkpoint of run [0-9a-f]{{32}}; it belongs to another training run$", line);
    }

    [Fact]
    public void The_optimizer_state_of_another_epoch_is_refused()
    {
        string path = _temp.File("model.safetensors");
        Assert.Equal(0, Run(Train(path, 1)).Code);
        byte[] first = File.ReadAllBytes(OptimizerCheckpoint.PathFor(path));
        Assert.Equal(0, Run(Train(path, 2, resume: true)).Code);
        File.WriteAllBytes(OptimizerCheckpoint.PathFor(path), first);

        var (code, error) = Run(Train(path, 3, resume: true));
        Assert.Equal(1, code);
        Assert.Contains("optimizer state was saved with parameters of SHA-256", error);
        Assert.Contains("it belongs to another epoch or the checkpoint was changed", error);
    }

    [Fact]
    public void Checkpoint_and_state_carry_the_run_id_and_the_content_hash()
    {
        string path = _temp.File("model.safetensors");
        Assert.Equal(0, Run(Train(path, 1)).Code);
        Checkpoint checkpoint = Checkpoint.Load<LeNet5Network>(path);
        Assert.Equal(Checkpoint.ContentHash(checkpoint.Parameters), checkpoint.Metadata[Checkpoint.ContentHashKey]);
        Assert.Matches("^[0-9a-f]{32}$", checkpoint.Metadata[Checkpoint.RunIdKey]);
        Assert.Equal(0, Run(Train(path, 2, resume: true)).Code);
        Assert.Equal(checkpoint.Metadata[Checkpoint.RunIdKey], Checkpoint.Load<LeNet5Network>(path).Metadata[Checkpoint.RunIdKey]); // kept across resumes
    }

    [Theory]
    [InlineData("state moved aside")]
    [InlineData("next state written")]
    public void A_run_killed_in_the_middle_of_a_save_resumes_to_the_uninterrupted_result(string killedAfter)
    {
        string straight = _temp.File("straight/model.safetensors"), killed = _temp.File("killed/model.safetensors");
        Assert.Equal(0, Run(Train(straight, 3)).Code);
        Assert.Equal(0, Run(Train(killed, 1)).Code);

        // The save of epoch 2 as the kill left it: the state of epoch 1 moved aside, maybe a newer state written,
        // the checkpoint still of epoch 1, the history without the row of epoch 1 (as if epoch 1's own save was cut too).
        string state = OptimizerCheckpoint.PathFor(killed);
        File.Move(state, OptimizerCheckpoint.PreviousPathFor(killed));
        if (killedAfter == "next state written") File.Copy(OptimizerCheckpoint.PathFor(straight), state);
        string csv = TrainingHistory.CsvPath(killed);
        File.WriteAllLines(csv, File.ReadAllLines(csv)[..1]);

        var (code, error) = Run(Train(killed, 3, resume: true));
        Assert.True(code == 0, error);
        Assert.Equal(Checkpoint.Load<LeNet5Network>(straight).Parameters, Checkpoint.Load<LeNet5Network>(killed).Parameters);
        string[] rows = File.ReadAllLines(csv);
        Assert.Equal(4, rows.Length);
        Assert.Equal(File.ReadAllLines(TrainingHistory.CsvPath(straight))[1].Split(',')[..4], rows[1].Split(',')[..4]); // rebuilt from the checkpoint
        Assert.False(File.Exists(OptimizerCheckpoint.PreviousPathFor(killed)));
    }

    [Fact]
    public void A_resume_writes_back_the_history_row_a_kill_cut_before_training_on()
    {
        string path = _temp.File("model.safetensors");
        Assert.Equal(0, Run(Train(path, 2)).Code);
        string csv = TrainingHistory.CsvPath(path);
        File.WriteAllLines(csv, File.ReadAllLines(csv)[..2]); // killed after the checkpoint of epoch 2, before its row

        // Stopped at its first step, before any save of its own: a kill there would leave only what it wrote at the start.
        var stopped = Lenet5Console.Run([.. Train(path, 3, resume: true)], TextWriter.Null, TextWriter.Null, new CancellationToken(canceled: true));
        Assert.Equal(130, stopped);
        Assert.Equal(["1", "2"], File.ReadAllLines(csv)[1..].Select(l => l.Split(',')[0]));
    }

    [Fact]
    public void Legacy_files_without_a_run_id_still_resume()
    {
        string path = _temp.File("model.safetensors");
        Assert.Equal(0, Run(Train(path, 1)).Code);
        Checkpoint checkpoint = Checkpoint.Load<LeNet5Network>(path);
        Checkpoint.Save<LeNet5Network>(path, checkpoint.Parameters, checkpoint.Metadata.Where(e => e.Key != Checkpoint.RunIdKey).ToDictionary());
        var optimizer = new SgdOptimizer(LeNet5Network.ParameterCount, 0.05f, 0.9f);
        OptimizerCheckpoint.Load<LeNet5Network>(OptimizerCheckpoint.PathFor(path), OptimizerKind.Sgd, optimizer);
        OptimizerCheckpoint.Save<LeNet5Network>(OptimizerCheckpoint.PathFor(path), OptimizerKind.Sgd, optimizer);

        var (code, error) = Run(Train(path, 2, resume: true));
        Assert.True(code == 0, error);
    }
}
