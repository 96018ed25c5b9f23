using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Training;

namespace LeNet5.Benchmarks;

/// <summary>A whole training epoch over the 60,000 MNIST images with the trainer's defaults, on two threads.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class EpochBenchmarks
{
    private MnistDataset _train = null!;
    private Trainer<LeNet5Network> _trainer = null!;
    private int _epoch;

    [GlobalSetup]
    public void Setup()
    {
        string folder = MnistDataLocator.Resolve(null);
        _train = MnistDataset.LoadTraining(folder);
        _trainer = new Trainer<LeNet5Network>(LeNet5Network.Description.Training, new ExecutionSettings { Threads = 2 });
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    [Benchmark(Description = "one epoch, 60,000 images, batch 64, 2 threads")]
    public double Epoch() => _trainer.TrainEpoch(_train, _epoch++).MeanLoss;
}
