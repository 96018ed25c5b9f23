using System.Runtime.InteropServices;
using LeNet5.Cli;
using LeNet5.Runtime;
using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

public sealed class ResumeTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("sgd", 0.9f)]
    [InlineData("sgd", 0f)]
    [InlineData("adam", 0f)]
    [InlineData("sdlm", 0f)]
    public void Saved_and_restored_training_continues_bit_identically(string optimizer, float momentum)
    {
        MnistDataset data = TinyMlp.SyntheticData(300, 5);
        TrainingRecipe recipe = TestRecipes.Adam with { BatchSize = 32, Optimizer = Optimizers.Parse(optimizer), LearningRate = 0.02f, LearningRateDecay = 0.7f, Momentum = momentum, WeightDecay = 1e-3f };
        var execution = new ExecutionSettings { Threads = 2, ShardSize = 8 };
        float[] straight;
        using (var trainer = new Trainer<TinyMlp>(recipe, execution))
        {
            for (int epoch = 0; epoch < 3; epoch++) trainer.TrainEpoch(data, epoch);
            straight = trainer.Parameters.ToArray();
        }

        string checkpoint = _temp.File("tiny.safetensors");
        using (var trainer = new Trainer<TinyMlp>(recipe, execution))
        {
            trainer.TrainEpoch(data, 0);
            Checkpoint.Save<TinyMlp>(checkpoint, trainer.Parameters);
            OptimizerCheckpoint.Save<TinyMlp>(OptimizerCheckpoint.PathFor(checkpoint), recipe.Optimizer, trainer.Optimizer);
        }
        using (var trainer = new Trainer<TinyMlp>(recipe, execution, Checkpoint.Load<TinyMlp>(checkpoint).Parameters))
        {
            OptimizerCheckpoint.Load<TinyMlp>(OptimizerCheckpoint.PathFor(checkpoint), recipe.Optimizer, trainer.Optimizer);
            Assert.Equal(10, trainer.Steps);
            for (int epoch = 1; epoch < 3; epoch++) trainer.TrainEpoch(data, epoch);
            Assert.True(MemoryMarshal.AsBytes(straight.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(trainer.Parameters.AsSpan())));
        }
    }

    [Fact]
    public void Optimizer_state_of_another_optimizer_is_refused()
    {
        string path = _temp.File("state.optimizer.safetensors");
        OptimizerCheckpoint.Save<TinyMlp>(path, OptimizerKind.Adam, new AdamOptimizer(TinyMlp.ParameterCount));
        var error = Assert.Throws<CheckpointException>(() =>
            OptimizerCheckpoint.Load<TinyMlp>(path, OptimizerKind.Sgd, new SgdOptimizer(TinyMlp.ParameterCount, 0.1f, 0.9f)));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Console_resume_gives_the_uninterrupted_result()
    {
        string straight = _temp.File("straight/model.safetensors");
        string resumed = _temp.File("resumed/model.safetensors");
        string[] common = ["train", "--data", TestData.MnistFolder, "--limit", "1000", "--threads", "2"];
        Assert.Equal(0, Lenet5Console.Run([.. common, "--epochs", "3", "--output", straight], TextWriter.Null, TextWriter.Null));
        Assert.Equal(0, Lenet5Console.Run([.. common, "--epochs", "1", "--output", resumed], TextWriter.Null, TextWriter.Null));

        var stdout = new StringWriter();
        Assert.Equal(0, Lenet5Console.Run([.. common, "--epochs", "3", "--output", resumed, "--resume"], stdout, TextWriter.Null));
        Assert.Equal(
            Checkpoint.Load<LeNet5.Model.LeNet5Network>(straight).Parameters,
            Checkpoint.Load<LeNet5.Model.LeNet5Network>(resumed).Parameters);
        Assert.Equal(3, File.ReadAllLines(TrainingHistory.CsvPath(resumed)).Length - 1); // the history continues
        Assert.Matches(@"(?m)^\s+1\s.*\n\s+2\s.*\n\s+3\s", stdout.ToString().Replace("\r", ""));

        var error = new StringWriter();
        Assert.Equal(1, Lenet5Console.Run([.. common, "--epochs", "4", "--seed", "9", "--output", resumed, "--resume"], TextWriter.Null, error));
        Assert.Contains("seed 1 but this run has 9", error.ToString());
        // Resuming a finished run finishes nothing and is no error: a resume loop ends there.
        stdout = new StringWriter();
        Assert.Equal(0, Lenet5Console.Run([.. common, "--epochs", "3", "--output", resumed, "--resume"], stdout, TextWriter.Null));
        Assert.Contains("has already trained 3 epochs; nothing to train", stdout.ToString());
        error = new StringWriter();
        Assert.Equal(1, Lenet5Console.Run([.. common, "--epochs", "2", "--output", resumed, "--resume"], TextWriter.Null, error));
        Assert.Contains("already trained 3 epochs, more than the 2 asked for; give --epochs 3 or more", error.ToString());
    }

    [Fact]
    public void Console_resume_before_the_first_checkpoint_starts_the_run()
    {
        // A run killed in its first epoch left no checkpoint: --resume then gives the run from its start.
        string straight = _temp.File("straight/model.safetensors"), fresh = _temp.File("fresh/model.safetensors");
        string[] common = ["train", "--data", TestData.MnistFolder, "--limit", "1000", "--threads", "2", "--epochs", "2"];
        Assert.Equal(0, Lenet5Console.Run([.. common, "--output", straight], TextWriter.Null, TextWriter.Null));
        var error = new StringWriter();
        Assert.Equal(0, Lenet5Console.Run([.. common, "--output", fresh, "--resume"], TextWriter.Null, error));
        Assert.Contains($"lenet5: note: no checkpoint at {fresh} yet; the run starts from epoch 1", error.ToString());
        Assert.Equal(
            Checkpoint.Load<LeNet5.Model.LeNet5Network>(straight).Parameters,
            Checkpoint.Load<LeNet5.Model.LeNet5Network>(fresh).Parameters);
    }
}
