using System.Runtime.InteropServices;
using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>The runtime with the generated LeNet5Network on real MNIST.</summary>
public sealed class LeNet5TrainingTests
{
    [Fact]
    public void Same_seed_gives_bit_identical_weights_with_one_and_two_threads()
    {
        MnistDataset subset = TestData.Train.Take(400);
        float[] one = Train(subset, threads: 1);
        float[] two = Train(subset, threads: 2);
        Assert.True(MemoryMarshal.AsBytes(one.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(two.AsSpan())));
    }

    [Fact]
    public void One_epoch_with_the_architecture_defaults_reaches_97_percent()
    {
        TrainingRecipe recipe = LeNet5Network.Description.Training;
        var execution = new ExecutionSettings { Threads = Environment.ProcessorCount };
        using var trainer = new Trainer<LeNet5Network>(recipe, execution);
        EpochResult epoch = trainer.TrainEpoch(TestData.Train, 0);
        using var evaluator = new Evaluator<LeNet5Network>();
        EvaluationResult result = evaluator.Evaluate(trainer.Parameters, TestData.Test);
        Assert.True(result.Accuracy >= 0.97, $"test accuracy {result.Accuracy:P2} after one epoch (train loss {epoch.MeanLoss:F4})");
        Assert.True(epoch.MeanLoss < 0.5, $"train loss {epoch.MeanLoss}");
        Assert.Equal(938, epoch.Steps);
    }

    private static float[] Train(MnistDataset data, int threads)
    {
        TrainingRecipe recipe = LeNet5Network.Description.Training;
        var execution = new ExecutionSettings { Threads = threads };
        using var trainer = new Trainer<LeNet5Network>(recipe, execution);
        trainer.TrainEpoch(data, 0);
        return trainer.Parameters.ToArray();
    }
}
