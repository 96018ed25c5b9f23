using System.Runtime.InteropServices;
using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>An epoch trained step by step (the browser's way) is the epoch <c>TrainEpoch</c> trains, to the bit.</summary>
public sealed class StepwiseTrainingTests
{
    [Fact]
    public void Stepwise_epochs_give_the_bits_of_TrainEpoch()
    {
        MnistDataset subset = TestData.Train.Take(300);
        var oneThread = new ExecutionSettings { Threads = 1 };
        using var whole = new Trainer<LeNet5Network>(LeNet5Network.Description.Training, oneThread);
        using var stepwise = new Trainer<LeNet5Network>(LeNet5Network.Description.Training, oneThread);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            EpochResult expected = whole.TrainEpoch(subset, epoch);
            Trainer<LeNet5Network>.EpochRun run = stepwise.BeginEpoch(subset, epoch);
            int steps = 0;
            while (!run.IsComplete)
            {
                TrainingProgress progress = run.Step();
                steps++;
                Assert.Equal(Math.Min(steps * LeNet5Network.Description.Training.BatchSize, subset.Count), progress.ImagesDone);
            }
            EpochResult actual = run.Finish();
            Assert.Equal(expected.Steps, actual.Steps);
            Assert.Equal(expected.MeanLoss, actual.MeanLoss);
            Assert.Throws<InvalidOperationException>(() => run.Step());
        }
        Assert.True(MemoryMarshal.AsBytes(whole.Parameters.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(stepwise.Parameters.AsSpan())));
    }
}
