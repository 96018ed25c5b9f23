using LeNet5.Runtime.Checkpoints;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>A diverging run stops with exit code 1 and the likely cause, and saves nothing of the diverged epoch.</summary>
public sealed class DivergenceTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("sgd", "10", "the learning rate 10 is likely too high for sgd: try --lr 1")]
    [InlineData("sgd", "1e9", "the learning rate 1E+09 is likely too high for sgd")]
    [InlineData("sgd", "1e30", "the learning rate 1E+30 is likely too high for sgd")]
    [InlineData("adam", "1e9", "the learning rate 1E+09 is likely too high for adam")]
    [InlineData("sdlm", "1e9", "too high for sdlm's damping 0.02 (each step is lr / (damping + curvature)): lower --lr or raise --damping")]
    public void A_diverging_console_run_stops_and_saves_nothing(string optimizer, string rate, string cause)
    {
        string checkpoint = _temp.File("run/model.safetensors");
        var stderr = new StringWriter();
        int code = Lenet5Console.Run(
            ["train", "--data", TestData.MnistFolder, "--limit", "2000", "--validation", "1000", "--epochs", "3", "--threads", "2",
             "--optimizer", optimizer, "--lr", rate, "--output", checkpoint],
            TextWriter.Null, stderr);

        Assert.Equal(1, code);
        string error = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.StartsWith("lenet5: error: training diverged: ", error);
        Assert.Contains(cause, error);
        Assert.EndsWith("; nothing was saved", error);
        Assert.False(File.Exists(checkpoint));
        Assert.DoesNotContain(".safetensors", string.Join(" ", Directory.GetFiles(_temp.File("run"))));
    }

    [Fact]
    public void A_loss_far_above_the_initial_one_stops_at_the_epoch_it_happens()
    {
        MnistDataset data = TinyMlp.SyntheticData(640, 1);
        // A good first epoch, then a rate that blows up.
        TrainingRecipe recipe = TestRecipes.Adam with { BatchSize = 16, Optimizer = OptimizerKind.Sgd, LearningRateSchedule = [0.1f, 1e6f] };
        var execution = new ExecutionSettings { Threads = 1 };
        using var trainer = new Trainer<TinyMlp>(recipe, execution);
        EpochResult first = trainer.TrainEpoch(data, 0);
        Assert.True(first.MeanLoss < trainer.Divergence.InitialLoss);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(data, 1));
        Assert.Matches(@"^training diverged: the (mean training loss rose to \S+|loss became \S+) at epoch 2, step \d+", error.Message);
        Assert.Contains("the learning rate 1E+06 is likely too high for sgd: try --lr 1E+05", error.Message);
    }

    [Fact]
    public void A_healthy_run_is_not_stopped()
    {
        MnistDataset data = TinyMlp.SyntheticData(2000, 1);
        using var trainer = new Trainer<TinyMlp>(TestRecipes.Adam with { BatchSize = 16, Optimizer = OptimizerKind.Sgd, LearningRate = 0.1f, Momentum = 0.9f }, new ExecutionSettings { Threads = 2 });
        using var evaluator = new Evaluator<TinyMlp>(2);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            trainer.TrainEpoch(data, epoch);
            trainer.Divergence.ObserveEvaluation(epoch, "test", evaluator.Evaluate(trainer.Parameters, data));
        }
    }

    [Fact]
    public void An_accuracy_at_chance_after_the_warm_up_is_divergence()
    {
        var monitor = new DivergenceMonitor(TestRecipes.Adam with { Optimizer = OptimizerKind.Adam, LearningRate = 0.5f }, 3, startedFromParameters: false);
        // Everything answered as class 1, which 50 of the 100 images are.
        EvaluationResult constant = new(3, [0, 25, 0, 0, 50, 0, 0, 25, 0], 1.0, new byte[100]);
        monitor.ObserveStep(0, 1, 100, 1.1, 1.1);
        monitor.ObserveEvaluation(0, "test", constant); // too early to tell
        for (int step = 2; step <= 100; step++) monitor.ObserveStep(0, step, 100, 1.0, 1.0);
        var error = Assert.Throws<TrainingDivergedException>(() => monitor.ObserveEvaluation(0, "validation", constant));
        Assert.Equal(
            "training diverged: the validation accuracy is 50.00% after epoch 1 (10,000 images trained), no better than always answering 1 (50.00%); the learning rate 0.5 is likely too high for adam: try --lr 0.05",
            error.Message);
    }

    [Theory]
    [InlineData("sgd", 0.99f, 0f, false, "the momentum 0.99 is likely too high (it multiplies the steps by up to 100): lower --momentum or --lr")]
    [InlineData("sgd", 0f, 20f, false, "the weight decay 20 times the learning rate 0.1 is 2, at which the decay alone overshoots: lower --weight-decay")]
    [InlineData("sgd", 0f, 0f, true, "the parameters the run started from (the resumed checkpoint) already give this loss: resume from an earlier checkpoint or start afresh")]
    public void The_advice_names_the_likely_cause(string optimizer, float momentum, float weightDecay, bool resumed, string cause)
    {
        var monitor = new DivergenceMonitor(
            TestRecipes.Adam with { Optimizer = Optimizers.Parse(optimizer), LearningRate = 0.1f, Momentum = momentum, WeightDecay = weightDecay }, 10, resumed);
        var error = Assert.Throws<TrainingDivergedException>(() => monitor.ObserveStep(0, 1, 64, double.PositiveInfinity, double.PositiveInfinity));
        Assert.Equal($"training diverged: the loss became +Infinity at epoch 1, step 1; {cause}", error.Message);
    }

    [Fact]
    public void A_resumed_run_is_held_to_the_uniform_loss_not_its_own_tiny_one()
    {
        // Resumed at a loss of 0.01: a noisy 0.5 is not divergence; 10 x ln 10 is.
        var monitor = new DivergenceMonitor(TestRecipes.Adam, 10, startedFromParameters: true);
        for (int step = 1; step <= 20; step++) monitor.ObserveStep(1, step, 64, step == 1 ? 0.01 : 0.5, 0.5);
        var error = Assert.Throws<TrainingDivergedException>(() => monitor.ObserveStep(1, 21, 64, 40, 24));
        Assert.Contains("rose to 24 at epoch 2, step 21, over 10x the initial 2.3", error.Message);
        Assert.Contains("(or the resumed checkpoint holds extreme values)", error.Message);
    }

    [Fact]
    public void A_slowly_rising_loss_stops_the_console_run_and_keeps_the_last_good_checkpoint()
    {
        // On 6,000 images lr 0.5 without decay goes 1.07, then 2.19 at epoch 3: never 10x the initial loss, but twice its best.
        string checkpoint = _temp.File("slow/model.safetensors");
        var stderr = new StringWriter();
        int code = Lenet5Console.Run(
            ["train", "--data", TestData.MnistFolder, "--limit", "6000", "--validation", "1000", "--epochs", "5", "--threads", "2",
             "--lr", "0.5", "--lr-decay", "1", "--output", checkpoint],
            TextWriter.Null, stderr);

        Assert.Equal(1, code);
        string error = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        Assert.Matches(@"^lenet5: error: training diverged: the mean training loss rose from 1\.\d+ at epoch 1 to 2\.\d+ at epoch 3, over 2x; the learning rate 0\.5 is likely too high for sgd: try --lr 0\.05; the checkpoint of epoch 2 at .*model\.safetensors is kept$", error);
        Assert.Equal("2", Checkpoint.Load<LeNet5.Model.LeNet5Network>(checkpoint).Metadata["epoch"]);
    }

    [Theory]
    [InlineData(new[] { 1.6, 3.0 }, "the mean training loss rose from 1.6 at epoch 1 to 3 at epoch 2, above the initial loss 2.3")]
    [InlineData(new[] { 0.9, 0.6, 1.3 }, "the mean training loss rose from 0.6 at epoch 2 to 1.3 at epoch 3, over 2x")]
    public void An_epoch_loss_climbing_back_is_divergence(double[] epochLosses, string what)
    {
        var monitor = new DivergenceMonitor(TestRecipes.Adam with { Optimizer = OptimizerKind.Adam, LearningRate = 0.01f }, 10, startedFromParameters: false);
        monitor.ObserveStep(0, 1, 64, 2.3, 2.3);
        for (int epoch = 0; epoch < epochLosses.Length - 1; epoch++) monitor.ObserveEpoch(epoch, epochLosses[epoch]);
        var error = Assert.Throws<TrainingDivergedException>(() => monitor.ObserveEpoch(epochLosses.Length - 1, epochLosses[^1]));
        Assert.Equal($"training diverged: {what}; the learning rate 0.01 is likely too high for adam: try --lr 0.001", error.Message);
    }

    [Theory]
    [InlineData(new[] { 2.5, 1.2, 0.8 })] // a first epoch above the initial loss has nothing to compare with
    [InlineData(new[] { 3.15, 2.78, 2.1 })] // still above the initial loss, but falling
    [InlineData(new[] { 0.2, 0.005, 0.011, 0.009 })] // a doubling far below the initial loss is noise
    [InlineData(new[] { 0.3, 0.25, 0.45, 0.2 })] // a bump under half the initial loss
    public void An_epoch_loss_that_wobbles_is_not_divergence(double[] epochLosses)
    {
        var monitor = new DivergenceMonitor(TestRecipes.Adam, 10, startedFromParameters: false);
        monitor.ObserveStep(0, 1, 64, 2.3, 2.3);
        for (int epoch = 0; epoch < epochLosses.Length; epoch++) monitor.ObserveEpoch(epoch, epochLosses[epoch]);
    }
}
