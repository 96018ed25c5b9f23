using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LeNet5.Model;

namespace LeNet5.Benchmarks;

/// <summary>
/// Classifying 1,000 images on two threads: the generated code (each thread taking half of the batch) against the
/// scalar baseline, and against ONNX Runtime running the same network on the whole batch with two intra-op threads.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class BatchInferenceBenchmarks
{
    private const int Images = 1000;
    private const int Threads = 2;
    private const int PerThread = Images / Threads;
    private const long MultiplyAdds = 416_520L * Images;

    private readonly float[] _parameters = BenchmarkData.Parameters();
    private readonly float[] _images = BenchmarkData.Images(Images);
    private readonly float[] _logits = new float[Images * LeNet5Network.ClassCount];
    private readonly float[][] _workspaces = [.. Enumerable.Range(0, Threads).Select(_ => new float[PerThread * LeNet5Network.WorkspaceSize])];
    private readonly ScalarNetwork[] _scalars = [.. Enumerable.Range(0, Threads).Select(_ => BenchmarkData.Scalar())];
    private OnnxPeer? _onnx;

    [GlobalSetup]
    public void Setup() => _onnx = new OnnxPeer(_parameters, _images, Images, Threads);

    [GlobalCleanup]
    public void Cleanup() => _onnx?.Dispose();

    [BenchmarkCategory("vs scalar"), Benchmark(Baseline = true, Description = "scalar, 1000 images, 2 threads"), MultiplyAdds(MultiplyAdds)]
    public void Scalar() => Parallel.For(0, Threads, thread =>
    {
        for (int n = thread * PerThread; n < (thread + 1) * PerThread; n++)
        {
            _scalars[thread].Forward(_parameters, _images.AsSpan(n * LeNet5Network.InputSize, LeNet5Network.InputSize))
                .CopyTo(_logits, n * LeNet5Network.ClassCount);
        }
    });

    [BenchmarkCategory("vs scalar"), Benchmark(Description = "generated, 1000 images, 2 threads"), MultiplyAdds(MultiplyAdds)]
    public void Generated() => Parallel.For(0, Threads, thread =>
        LeNet5Network.Infer(
            _parameters,
            _images.AsSpan(thread * PerThread * LeNet5Network.InputSize, PerThread * LeNet5Network.InputSize),
            _logits.AsSpan(thread * PerThread * LeNet5Network.ClassCount, PerThread * LeNet5Network.ClassCount),
            _workspaces[thread],
            PerThread));

    [BenchmarkCategory("vs ONNX Runtime"), Benchmark(Baseline = true, Description = "ONNX Runtime, 1000 images, 2 threads"), MultiplyAdds(MultiplyAdds)]
    public void OnnxRuntime() => _onnx!.Run();

    [BenchmarkCategory("vs ONNX Runtime"), Benchmark(Description = "generated, 1000 images, 2 threads "), MultiplyAdds(MultiplyAdds)]
    public void GeneratedAgainstOnnxRuntime() => Generated();
}
