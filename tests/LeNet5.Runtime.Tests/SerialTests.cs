using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Runtime.Tests;

/// <summary>Tests that measure the whole process or change its environment, run alone after the parallel ones.</summary>
[CollectionDefinition(nameof(SerialTests), DisableParallelization = true)]
public sealed class SerialCollection;

[Collection(nameof(SerialTests))]
public sealed class SerialTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Training_steps_allocate_nothing_once_warm(int threads)
    {
        // AllocationProbe reads each thread's own allocation counter every time a worker (or the caller) enters the
        // network, so everything the runtime does between two shards on any thread is counted exactly, whatever
        // other threads in the process do. The caller is a dedicated thread, as in the console: when a thread-pool
        // thread (where xunit runs tests) blocks, the thread pool itself may allocate to inject another thread.
        // With two or more threads the runtime's wait machinery occasionally allocates once (a few hundred bytes) on
        // the blocking caller; the bound tolerates that but not a per-step allocation (24+ bytes x 100 steps).
        long allocated = -1;
        int samples = 0;
        var caller = new Thread(() =>
        {
            MnistDataset data = TinyMlp.SyntheticData(64 * 110, 3);
            TrainingRecipe recipe = TestRecipes.Adam with { BatchSize = 64, Optimizer = OptimizerKind.Adam, LearningRate = 0.01f };
            var execution = new ExecutionSettings { Threads = threads, ShardSize = 8 };
            using var trainer = new Trainer<AllocationProbe>(recipe, execution);
            for (int epoch = 0; epoch < 10; epoch++) trainer.TrainEpoch(data, epoch, _ => { });
            Thread.Sleep(200);

            AllocationProbe.Reset();
            int steps = 0;
            trainer.TrainEpoch(data, 10, _ =>
            {
                steps++;
                if (steps == 5) AllocationProbe.Enabled = true;
                if (steps == 105) AllocationProbe.Enabled = false;
            });
            allocated = AllocationProbe.Allocated;
            samples = AllocationProbe.Samples;
        });
        caller.Start();
        caller.Join();
        Assert.True(samples >= 100 * 8, $"only {samples} samples");
        Assert.True(allocated < 1024, $"{allocated} bytes allocated in 100 steps");
    }

    [Fact]
    public void Data_folder_comes_from_the_option_then_the_environment()
    {
        string? saved = Environment.GetEnvironmentVariable(MnistDataLocator.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(MnistDataLocator.EnvironmentVariable, TestData.MnistFolder);
            Assert.Equal(TestData.MnistFolder, MnistDataLocator.Resolve(null));

            string missing = _temp.File("nowhere");
            Environment.SetEnvironmentVariable(MnistDataLocator.EnvironmentVariable, missing);
            var error = Assert.Throws<DataFileException>(() => MnistDataLocator.Resolve(null));
            Assert.Contains(missing, error.Message);
            Assert.Contains("from LENET5_DATA", error.Message);
            Assert.Equal(TestData.MnistFolder, MnistDataLocator.Resolve(TestData.MnistFolder)); // --data wins
        }
        finally
        {
            Environment.SetEnvironmentVariable(MnistDataLocator.EnvironmentVariable, saved);
        }
    }

    [Fact]
    public void Without_a_folder_the_cache_is_filled_from_the_mirrors()
    {
        string? saved = Environment.GetEnvironmentVariable(MnistDataLocator.EnvironmentVariable);
        string? savedCache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable(MnistDataLocator.EnvironmentVariable, null);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _temp.Path);
            Assert.Equal(Path.Combine(_temp.Path, "lenet5", "mnist"), MnistDataLocator.CacheFolder);
            var offline = new MnistDownloader([new Uri("http://127.0.0.1:1/")], TimeSpan.FromSeconds(10));
            var error = Assert.Throws<DataFileException>(() => MnistDataLocator.Resolve(null, offline));
            Assert.Contains("offline", error.Message);
            Assert.Contains("LENET5_DATA", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(MnistDataLocator.EnvironmentVariable, saved);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", savedCache);
        }
    }
}
