using BenchmarkDotNet.Attributes;
using LeNet5.Model;
using LeNet5.Runtime;
using LeNet5.Runtime.Data;
using LeNet5.Runtime.Optimization;
using LeNet5.Runtime.Training;

namespace LeNet5.Benchmarks;

/// <summary>
/// One SGD step on a batch of 64 with two threads: forward, softmax cross-entropy, backward, gradient reduction and
/// the update. The generated side is the project's own <see cref="Trainer{TNetwork}"/>; the baseline does the same
/// work with <see cref="ScalarNetwork"/>, each thread taking half the batch.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private const int Batch = 64;
    private const int Threads = 2;

    private readonly MnistDataset _batch = new(BenchmarkData.Images(Batch), BenchmarkData.Labels(Batch), LeNet5Network.InputHeight, LeNet5Network.InputWidth);
    private readonly Trainer<LeNet5Network> _trainer = new(LeNet5Network.Description.Training with { Optimizer = OptimizerKind.Sgd, LearningRate = 0.01f, Momentum = 0.9f }, new ExecutionSettings { Threads = Threads }, BenchmarkData.Parameters());
    private readonly float[] _parameters = BenchmarkData.Parameters();
    private readonly ScalarNetwork[] _scalars = [.. Enumerable.Range(0, Threads).Select(_ => BenchmarkData.Scalar())];
    private readonly float[][] _gradients = [.. Enumerable.Range(0, Threads).Select(_ => new float[LeNet5Network.ParameterCount])];
    private readonly float[] _velocity = new float[LeNet5Network.ParameterCount];
    private readonly float[][] _logitsGradients = [.. Enumerable.Range(0, Threads).Select(_ => new float[LeNet5Network.ClassCount])];
    private readonly float[][] _images = [.. Enumerable.Range(0, Batch).Select(n => BenchmarkData.Images(Batch).AsSpan(n * LeNet5Network.InputSize, LeNet5Network.InputSize).ToArray())];

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    [Benchmark(Baseline = true, Description = "scalar, batch 64, 2 threads")]
    public void Scalar()
    {
        Parallel.For(0, Threads, thread =>
        {
            ScalarNetwork scalar = _scalars[thread];
            float[] gradients = _gradients[thread];
            float[] dz = _logitsGradients[thread];
            Array.Clear(gradients);
            for (int n = thread * (Batch / Threads); n < (thread + 1) * (Batch / Threads); n++)
            {
                float[] logits = scalar.Forward(_parameters, _images[n]);
                float max = logits.Max(), sum = 0;
                for (int k = 0; k < logits.Length; k++) sum += dz[k] = MathF.Exp(logits[k] - max);
                for (int k = 0; k < logits.Length; k++) dz[k] = (dz[k] / sum - (k == _batch.Labels[n] ? 1 : 0)) / Batch;
                scalar.Backward(_parameters, _images[n], dz, gradients);
            }
        });
        for (int i = 0; i < _parameters.Length; i++)
        {
            _velocity[i] = 0.9f * _velocity[i] + _gradients[0][i] + _gradients[1][i];
            _parameters[i] -= 0.01f * _velocity[i];
        }
    }

    [Benchmark(Description = "generated, batch 64, 2 threads")]
    public double Generated() => _trainer.TrainEpoch(_batch, epoch: 0).MeanLoss;
}
