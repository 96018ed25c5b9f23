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
        var options = new TrainingOptions(TestRecipes.Adam) { BatchSize = 16, Optimizer = "sgd", LearningRateSchedule = [0.1f, 1e6f], Threads = 1 };
        using var trainer = new Trainer<TinyMlp>(options);
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
        using var trainer = new Trainer<TinyMlp>(new TrainingOptions(TestRecipes.Adam) { BatchSize = 16, Optimizer = "sgd", LearningRate = 0.1f, Momentum = 0.9f, Threads = 2 });
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
        var monitor = new DivergenceMonitor(new TrainingOptions(TestRecipes.Adam) { Optimizer = "adam", LearningRate = 0.5f }, 3, startedFromParameters: false);
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
            new TrainingOptions(TestRecipes.Adam) { Optimizer = optimizer, LearningRate = 0.1f, Momentum = momentum, WeightDecay = weightDecay }, 10, resumed);
        var error = Assert.Throws<TrainingDivergedException>(() => monitor.ObserveStep(0, 1, 64, double.PositiveInfinity, double.PositiveInfinity));
        Assert.Equal($"training diverged: the loss became +Infinity at epoch 1, step 1; {cause}", error.Message);
    }

    [Fact]
    public void A_resumed_run_is_held_to_the_uniform_loss_not_its_own_tiny_one()
    {
        // Resumed at a loss of 0.01: a noisy 0.5 is not divergence; 10 x ln 10 is.
        var monitor = new DivergenceMonitor(new TrainingOptions(TestRecipes.Adam), 10, startedFromParameters: true);
        for (int step = 1; step <= 20; step++) monitor.ObserveStep(1, step, 64, step == 1 ? 0.01 : 0.5, 0.5);
        var error = Assert.Throws<TrainingDivergedException>(() => monitor.ObserveStep(1, 21, 64, 40, 24));
        Assert.Contains("rose to 24 at epoch 2, step 21, over 10x the initial 2.3", error.Message);
        Assert.Contains("(or the resumed checkpoint holds extreme values)", error.Message);
    }
}
