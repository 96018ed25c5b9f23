using System.Runtime.InteropServices;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Loss;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

public sealed class TrainerTests
{
    [Fact]
    public void TinyMlp_backward_matches_finite_differences()
    {
        // The hand-written test network must itself be right for the trainer tests to mean anything.
        var parameters = new float[TinyMlp.ParameterCount];
        TinyMlp.InitializeParameters(parameters, new Random(1));
        MnistDataset data = TinyMlp.SyntheticData(3, 5);
        var activations = new float[3 * TinyMlp.Description.ActivationSize];
        var logits = new float[3 * TinyMlp.ClassCount];
        var dLogits = new float[logits.Length];
        var gradient = new float[parameters.Length];
        var inputGradient = new float[data.Images.Length];
        TinyMlp.ForwardTrain(parameters, data.Images, activations, logits, 3);
        SoftmaxCrossEntropy.MeanLoss(logits, data.Labels, TinyMlp.ClassCount, dLogits);
        TinyMlp.Backward(parameters, data.Images, activations, dLogits, gradient, inputGradient, new float[3 * TinyMlp.Description.WorkspaceSize], 3);

        for (int i = 0; i < parameters.Length; i += 7)
        {
            float saved = parameters[i];
            parameters[i] = saved + 1e-2f;
            double plus = Loss(parameters, data);
            parameters[i] = saved - 1e-2f;
            double minus = Loss(parameters, data);
            parameters[i] = saved;
            Assert.Equal((plus - minus) / 2e-2, gradient[i], 3);
        }
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void Result_is_bit_identical_for_any_thread_count(string optimizer)
    {
        // 517 images, batch 50: ten full batches and one of 17; shards of 8 leave a short last shard.
        MnistDataset data = TinyMlp.SyntheticData(517, 11);
        float[] one = Train(data, optimizer, threads: 1);
        float[] two = Train(data, optimizer, threads: 2);
        float[] three = Train(data, optimizer, threads: 3);
        Assert.True(MemoryMarshal.AsBytes(one.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(two.AsSpan())), "1 vs 2 threads differ");
        Assert.True(MemoryMarshal.AsBytes(one.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(three.AsSpan())), "1 vs 3 threads differ");

        // And training moved the parameters away from the initialisation.
        var initial = new float[TinyMlp.ParameterCount];
        TinyMlp.InitializeParameters(initial, new Random(7));
        Assert.NotEqual(initial, one);
    }

    [Fact]
    public void Different_seeds_give_different_results()
    {
        MnistDataset data = TinyMlp.SyntheticData(100, 11);
        Assert.NotEqual(Train(data, "sgd", 1, seed: 1), Train(data, "sgd", 1, seed: 2));
    }

    [Fact]
    public void One_step_is_the_mean_gradient_of_the_batch_over_all_shards()
    {
        // A single batch of 37 images in shards of 5: the SGD step must be -lr * mean gradient over all 37,
        // computed here in one Backward call with a 1/37 loss gradient.
        MnistDataset data = TinyMlp.SyntheticData(37, 4);
        TrainingRecipe recipe = TestRecipes.Adam with { BatchSize = 37, Optimizer = OptimizerKind.Sgd, LearningRate = 1f, Momentum = 0, Seed = 9 };
        var execution = new ExecutionSettings { Threads = 2, ShardSize = 5 };
        using var trainer = new Trainer<TinyMlp>(recipe, execution);
        float[] before = trainer.Parameters.ToArray();
        EpochResult result = trainer.TrainEpoch(data, 0);

        var activations = new float[37 * TinyMlp.Description.ActivationSize];
        var logits = new float[37 * TinyMlp.ClassCount];
        var dLogits = new float[logits.Length];
        var gradient = new float[before.Length];
        TinyMlp.ForwardTrain(before, data.Images, activations, logits, 37);
        float loss = SoftmaxCrossEntropy.MeanLoss(logits, data.Labels, TinyMlp.ClassCount, dLogits);
        TinyMlp.Backward(before, data.Images, activations, dLogits, gradient, Span<float>.Empty, new float[37 * TinyMlp.Description.WorkspaceSize], 37);

        Assert.Equal(1, result.Steps);
        Assert.Equal(loss, result.MeanLoss, 5);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i] - gradient[i], trainer.Parameters[i], 5);
    }

    [Fact]
    public void Training_learns_and_reports_progress()
    {
        MnistDataset train = TinyMlp.SyntheticData(2000, 1);
        MnistDataset test = TinyMlp.SyntheticData(500, 2);
        TrainingRecipe recipe = TestRecipes.Adam with { BatchSize = 32, Optimizer = OptimizerKind.Adam, LearningRate = 0.01f, Seed = 3 };
        var execution = new ExecutionSettings { Threads = 2 };
        using var trainer = new Trainer<TinyMlp>(recipe, execution);
        using var evaluator = new Evaluator<TinyMlp>(2);
        double before = evaluator.Evaluate(trainer.Parameters, test).MeanLoss;

        var reports = new List<TrainingProgress>();
        EpochResult first = trainer.TrainEpoch(train, 0, reports.Add);
        EpochResult second = trainer.TrainEpoch(train, 1);
        EvaluationResult after = evaluator.Evaluate(trainer.Parameters, test);

        Assert.Equal(63, reports.Count); // ceil(2000 / 32) steps
        Assert.Equal(2000, reports[^1].ImagesDone);
        Assert.Equal(32, reports[0].ImagesDone);
        Assert.True(reports.All(r => r.ImagesPerSecond > 0));
        Assert.Equal(first.MeanLoss, reports[^1].RunningLoss, 10);
        Assert.True(second.MeanLoss < first.MeanLoss);
        Assert.True(after.MeanLoss < before / 2, $"loss {before} -> {after.MeanLoss}");
        Assert.True(after.Accuracy > 0.9, $"accuracy {after.Accuracy}");
        Assert.Equal(126, trainer.Steps);
    }

    [Fact]
    public void Divergence_is_reported_as_an_error()
    {
        MnistDataset data = TinyMlp.SyntheticData(64, 1);
        data.Images[5] = float.NaN;
        using var trainer = new Trainer<TinyMlp>(TestRecipes.Adam with { BatchSize = 16, Optimizer = OptimizerKind.Sgd, LearningRate = 0.1f }, new ExecutionSettings { Threads = 1 });
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(data, 0));
        Assert.Contains("diverged", error.Message);
        Assert.All(trainer.Parameters, p => Assert.True(float.IsFinite(p))); // the bad step was not applied
        Assert.Contains($"step {trainer.Steps + 1}", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_error_in_a_worker_reaches_the_caller_and_the_trainer_stays_usable(int threads)
    {
        MnistDataset data = TinyMlp.SyntheticData(256, 1);
        float saved = data.Images[100 * 16];
        data.Images[100 * 16] = float.PositiveInfinity;
        using var trainer = new Trainer<FaultyMlp>(TestRecipes.Adam with { BatchSize = 64 }, new ExecutionSettings { Threads = threads, ShardSize = 8 });
        var error = Assert.Throws<InvalidOperationException>(() => trainer.TrainEpoch(data, 0));
        Assert.Equal("faulty image", error.Message);

        data.Images[100 * 16] = saved;
        EpochResult result = trainer.TrainEpoch(data, 0);
        Assert.Equal(4, result.Steps);
        Assert.True(double.IsFinite(result.MeanLoss));
    }

    [Fact]
    public void Cancellation_stops_between_steps()
    {
        MnistDataset data = TinyMlp.SyntheticData(320, 1);
        using var trainer = new Trainer<TinyMlp>(TestRecipes.Adam with { BatchSize = 32 }, new ExecutionSettings { Threads = 2 });
        using var cancellation = new CancellationTokenSource();
        int steps = 0;
        Assert.Throws<OperationCanceledException>(() => trainer.TrainEpoch(data, 0, p =>
        {
            if (++steps == 3) cancellation.Cancel();
        }, cancellation.Token));
        Assert.Equal(3, trainer.Steps);
    }

    [Fact]
    public void Images_of_the_wrong_size_are_refused()
    {
        var data = new MnistDataset(new float[2 * 25], [0, 1], 5, 5);
        using var trainer = new Trainer<TinyMlp>(TestRecipes.Adam, new ExecutionSettings { Threads = 1 });
        var error = Assert.Throws<LeNet5Exception>(() => trainer.TrainEpoch(data, 0));
        Assert.Contains("5x5", error.Message);
        Assert.Contains("1x4x4", error.Message);
    }

    [Fact]
    public void Shuffle_is_a_permutation_fixed_by_seed_and_epoch()
    {
        int[] a = new int[1000], b = new int[1000], c = new int[1000];
        DataOrder.Shuffle(a, 5, 0);
        DataOrder.Shuffle(b, 5, 0);
        DataOrder.Shuffle(c, 5, 1);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(Enumerable.Range(0, 1000), a.Order());
        Assert.NotEqual(Enumerable.Range(0, 1000), a);
    }

    [Fact]
    public void Evaluator_counts_the_confusion_matrix_the_same_for_any_thread_count()
    {
        MnistDataset data = TinyMlp.SyntheticData(301, 8);
        var parameters = new float[TinyMlp.ParameterCount];
        TinyMlp.InitializeParameters(parameters, new Random(2));
        using var one = new Evaluator<TinyMlp>(1, chunkSize: 16);
        using var two = new Evaluator<TinyMlp>(2, chunkSize: 16);
        EvaluationResult a = one.Evaluate(parameters, data);
        EvaluationResult b = two.Evaluate(parameters, data);
        Assert.Equal(a.Confusion, b.Confusion);
        Assert.Equal(a.MeanLoss, b.MeanLoss);

        // Recompute by hand, image by image.
        var logits = new float[3];
        int correct = 0;
        var confusion = new int[9];
        double loss = 0;
        for (int i = 0; i < data.Count; i++)
        {
            TinyMlp.Infer(parameters, data.Image(i), logits, new float[TinyMlp.Description.WorkspaceSize], 1);
            int predicted = SoftmaxCrossEntropy.ArgMax(logits);
            confusion[data.Labels[i] * 3 + predicted]++;
            if (predicted == data.Labels[i]) correct++;
            loss += SoftmaxCrossEntropy.SumLoss(logits, data.Labels.AsSpan(i, 1), 3, Span<float>.Empty, 0);
        }
        Assert.Equal(confusion, a.Confusion);
        Assert.Equal(correct, a.Correct);
        Assert.Equal(301, a.Count);
        Assert.Equal(loss / 301, a.MeanLoss, 5);
        Assert.Equal(301, a.Confusion.Sum());
    }

    private static float[] Train(MnistDataset data, string optimizer, int threads, int seed = 7)
    {
        TrainingRecipe recipe = TestRecipes.Adam with { BatchSize = 50, Optimizer = Optimizers.Parse(optimizer), LearningRate = optimizer == "sgd" ? 0.05f : 0.01f, Momentum = 0.9f, WeightDecay = 1e-4f, Seed = seed };
        var execution = new ExecutionSettings { Threads = threads, ShardSize = 8 };
        using var trainer = new Trainer<TinyMlp>(recipe, execution);
        trainer.TrainEpoch(data, 0);
        trainer.TrainEpoch(data, 1);
        return trainer.Parameters.ToArray();
    }

    private static double Loss(float[] parameters, MnistDataset data)
    {
        var logits = new float[data.Count * TinyMlp.ClassCount];
        TinyMlp.Infer(parameters, data.Images, logits, new float[data.Count * TinyMlp.Description.WorkspaceSize], data.Count);
        return SoftmaxCrossEntropy.SumLoss(logits, data.Labels, TinyMlp.ClassCount, Span<float>.Empty, 0) / data.Count;
    }

    [Fact]
    public void A_trainer_without_options_uses_the_architectures_recipe()
    {
        using var trainer = new Trainer<TinyMlp>();
        TrainingRecipe recipe = TinyMlp.Description.Training;
        Assert.Same(recipe, trainer.Recipe);
        Assert.Equal(new ExecutionSettings(), trainer.Execution);
        // Same recipe, same seed: the same initial parameters as a trainer given the recipe.
        using var explicitOptions = new Trainer<TinyMlp>(recipe);
        Assert.Equal(explicitOptions.Parameters, trainer.Parameters);
    }
}
