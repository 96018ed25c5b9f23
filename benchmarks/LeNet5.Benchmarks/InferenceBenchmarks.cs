using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LeNet5.Model;

namespace LeNet5.Benchmarks;

/// <summary>
/// Classifying one image on one thread: the generated code against the scalar baseline, and against ONNX Runtime
/// running the same network (exported by LeNet5.Onnx) with one thread. One category per baseline, so the generated
/// code appears in both and each <c>Ratio</c> is against that category's baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class InferenceBenchmarks
{
    private const long MultiplyAdds = 416_520;

    private readonly float[] _parameters = BenchmarkData.Parameters();
    private readonly float[] _image = BenchmarkData.Images(1);
    private readonly float[] _logits = new float[LeNet5Network.ClassCount];
    private readonly float[] _workspace = new float[LeNet5Network.WorkspaceSize];
    private readonly ScalarNetwork _scalar = BenchmarkData.Scalar();
    private OnnxPeer? _onnx;

    [GlobalSetup]
    public void Setup() => _onnx = new OnnxPeer(_parameters, _image, batch: 1, threads: 1);

    [GlobalCleanup]
    public void Cleanup() => _onnx?.Dispose();

    [BenchmarkCategory("vs scalar"), Benchmark(Baseline = true, Description = "scalar, one image"), MultiplyAdds(MultiplyAdds)]
    public float Scalar() => _scalar.Forward(_parameters, _image)[0];

    [BenchmarkCategory("vs scalar"), Benchmark(Description = "generated, one image"), MultiplyAdds(MultiplyAdds)]
    public float Generated()
    {
        LeNet5Network.Infer(_parameters, _image, _logits, _workspace, 1);
        return _logits[0];
    }

    [BenchmarkCategory("vs ONNX Runtime"), Benchmark(Baseline = true, Description = "ONNX Runtime, one image"), MultiplyAdds(MultiplyAdds)]
    public float OnnxRuntime()
    {
        _onnx!.Run();
        return _onnx.Logits[0];
    }

    [BenchmarkCategory("vs ONNX Runtime"), Benchmark(Description = "generated, one image "), MultiplyAdds(MultiplyAdds)]
    public float GeneratedAgainstOnnxRuntime() => Generated();
}
